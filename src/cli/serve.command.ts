import { Command } from 'commander';
import { serve } from '../server';

export const serveCommand = new Command('serve')
  .description('Serve GraphQL (POST /graphql, graphql-ws) and GET /health, as npm start does')
  .action(async () => {
    await serve();
  });
