import './platform/config/node-env';
import 'reflect-metadata';
import { failureMessage } from './platform/faults/failure-message';
import { serve } from './server';

serve().catch((error: unknown) => {
  console.error(failureMessage(error));
  process.exit(1);
});
