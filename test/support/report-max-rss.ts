// Preloaded into a child process (`-r`): reports its peak resident set size when it exits.
process.on('exit', () => {
  process.stderr.write(`max-rss-kb: ${process.resourceUsage().maxRSS}\n`);
});
