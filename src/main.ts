import './platform/config/node-env';
import 'reflect-metadata';
import { serve } from './server';

serve().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
