import { Command, CommanderError } from 'commander';
import packageJson from '../../package.json';
import { JanitorError } from '../domain/errors';
import { adviseCommand } from './commands/advise';
import { auditCommand } from './commands/audit';
import { ledgerCommand } from './commands/ledger';
import { lintPolicyCommand } from './commands/lint-policy';
import { mergePolicyCommand } from './commands/merge-policy';
import { orgReportCommand } from './commands/org-report';
import { reconcileCommand } from './commands/reconcile';
import { remediateCommand } from './commands/remediate';
import { simulateCommand } from './commands/simulate';
import { snapshotCommand } from './commands/snapshot';
import { validatePolicyCommand } from './commands/validate-policy';
import { weeklyCommand } from './commands/weekly';
import type { CliContext } from './context';
import { EXIT, InterruptedError, exitCodeFor, isUnreachable } from './errors';

/** The prefix of every error line the CLI prints, usage errors and commander's own alike. */
export const ERROR_PREFIX = 'ecr-janitor: error: ';

/** The line printed after a usage error: where to read the usage of `command` (or of the CLI). */
export function usageHint(command?: string): string {
  return `(run "ecr-janitor${command === undefined ? '' : ` ${command}`} --help" for usage)`;
}

/** One error in the CLI's one style: `ecr-janitor: error: …`, whatever produced it. */
function errorLine(message: string): string {
  return `${ERROR_PREFIX}${message.replace(/^error: /, '')}`;
}

/** Sends commander's output to the context, its errors in the CLI's one style. */
function configure(command: Command, ctx: CliContext, name?: string): Command {
  return command
    .exitOverride()
    .showHelpAfterError(usageHint(name))
    .configureOutput({
      writeOut: (s) => ctx.out(s.trimEnd()),
      writeErr: (s) => ctx.err(s.trimEnd()),
      outputError: (s, write) => write(errorLine(s)),
    });
}

/** Builds the `ecr-janitor` command tree over a context. */
export function buildProgram(ctx: CliContext): Command {
  const program = configure(
    new Command('ecr-janitor')
      .description('Keep Amazon ECR registries clean: audit lifecycle policies, apply a safe default, report storage cost.')
      .version(packageJson.version),
    ctx,
  );
  for (const command of [
    auditCommand(ctx),
    adviseCommand(ctx),
    remediateCommand(ctx),
    simulateCommand(ctx),
    validatePolicyCommand(ctx),
    lintPolicyCommand(ctx),
    mergePolicyCommand(ctx),
    snapshotCommand(ctx),
    weeklyCommand(ctx),
    ledgerCommand(ctx),
    reconcileCommand(ctx),
    orgReportCommand(ctx),
  ]) {
    program.addCommand(configure(command, ctx, command.name()));
  }
  return program;
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code:
 * 0 success, 1 invalid input or policy, 2 usage error, 3 partial failure.
 */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.interruptedExitCode?.() ?? ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander.help with a non-zero exit code is help printed to stderr because no command was given.
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        (error.code === 'commander.help' && error.exitCode === 0)
      )
        return EXIT.ok;
      return EXIT.usage;
    }
    if (error instanceof InterruptedError) {
      ctx.err(errorLine(error.message));
      return ctx.interruptedExitCode?.() ?? EXIT.interrupted;
    }
    // An endpoint that did not answer is no bug: its message says which and what to do, without a stack.
    if (error instanceof JanitorError || (error instanceof Error && isUnreachable(error))) {
      ctx.err(errorLine(error.message));
      const code = exitCodeFor(error);
      if (code === EXIT.usage) ctx.err(usageHint(program.commands.find((c) => c.name() === argv[0])?.name()));
      return code;
    }
    ctx.err(errorLine(`unexpected: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
    return EXIT.invalid;
  }
}
