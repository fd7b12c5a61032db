import { Command, CommanderError } from 'commander';
import packageJson from '../../package.json';
import { JanitorError } from '../domain/errors';
import { lintPolicyCommand, mergePolicyCommand, simulateCommand, validatePolicyCommand } from './commands/policy';
import { auditCommand, remediateCommand, snapshotCommand } from './commands/registry';
import type { CliContext } from './context';
import { EXIT, exitCodeFor } from './errors';

/** Builds the `ecr-janitor` command tree over a context. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('ecr-janitor')
    .description('Keep Amazon ECR registries clean: audit lifecycle policies, apply a safe default, report storage cost.')
    .version(packageJson.version)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => ctx.out(s.trimEnd()), writeErr: (s) => ctx.err(s.trimEnd()) })
    .exitOverride();
  for (const command of [
    auditCommand(ctx),
    remediateCommand(ctx),
    simulateCommand(ctx),
    validatePolicyCommand(ctx),
    lintPolicyCommand(ctx),
    mergePolicyCommand(ctx),
    snapshotCommand(ctx),
  ]) {
    command
      .exitOverride()
      .showHelpAfterError('(run with --help for usage)')
      .configureOutput({ writeOut: (s) => ctx.out(s.trimEnd()), writeErr: (s) => ctx.err(s.trimEnd()) });
    program.addCommand(command);
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
    return ctx.exitCode;
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
    if (error instanceof JanitorError) {
      ctx.err(`ecr-janitor: ${error.message}`);
      return exitCodeFor(error);
    }
    ctx.err(`ecr-janitor: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return EXIT.invalid;
  }
}
