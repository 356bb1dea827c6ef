// `node --import ./register.mjs …`: logs the URL of every module Node loads (one per line) to the file named
// by $CCSNAP_MODULE_LOG, through a module customization hook (module.register, Node >= 20.6; the same on 22+).
import { register } from 'node:module';

const logFile = process.env.CCSNAP_MODULE_LOG;
if (logFile) register('./hooks.mjs', import.meta.url, { data: { logFile } });
