// n8n's own lint setup for community nodes (@n8n/node-cli), unchanged: the rules n8n applies.
import { config } from '@n8n/node-cli/eslint';

export default config;
