/**
 * The server runs in production mode unless NODE_ENV says otherwise. Without it, graphql-js checks
 * every type test of every field against a second copy of itself (a development aid), which costs
 * about a quarter of the CPU of a 50-row Customers page. Imported by main.ts before anything that
 * loads graphql, which reads NODE_ENV once, when it is first required.
 */
process.env.NODE_ENV ??= 'production';
