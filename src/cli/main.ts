import { processContext } from './context';
import { runCli } from './program';

// The only place that touches the real process: everything else takes a context.
void runCli(process.argv.slice(2), processContext()).then((code) => {
  process.exitCode = code;
});
