import { processContext } from './context';
import { runCli } from './program';

// The SDK warns once per process on Node < 22 that its 2027 releases will need Node 22: on every CLI
// run, and on stderr among the progress. The CLI supports Node 20.19+ (package.json "engines"), so the
// notice says nothing the user can act on. It is read when the first client is built, which is after
// this line; a user's own setting of the variable wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// The only place that touches the real process: everything else takes a context.
void runCli(process.argv.slice(2), processContext()).then((code) => {
  process.exitCode = code;
});
