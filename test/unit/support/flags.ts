// Flags as a command sees them: parsed by a bare command that has one group of flags, and their help
// text as `ecr-janitor <command> --help` prints it.
import { Command, CommanderError } from 'commander';
import { runCaptured } from '../../support/cli-context';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');

/**
 * The options a bare command with the flags `add` adds reads from `argv`, or the message commander
 * refuses them with (as the CLI prints it, without its "error: " prefix).
 *
 * @example parsedFlags((c) => addCostFlags(c), ['--price-per-gb-month', '0.2']).pricePerGbMonth === 0.2
 */
export function parsedFlags(add: (command: Command) => Command, argv: readonly string[]): Record<string, unknown> | string {
  const command = add(new Command('test'))
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  try {
    return command.parse([...argv], { from: 'user' }).opts();
  } catch (error) {
    if (error instanceof CommanderError) return error.message.replace(/^error: /, '');
    throw error;
  }
}

/** The help text of `flag` in `command --help`: its line and any continuation lines, joined. */
export async function flagHelp(command: string, flag: string): Promise<string> {
  const { stdout } = await runCaptured([command, '--help'], NOW);
  const lines = stdout.split('\n');
  const start = lines.findIndex((line) => line.trimStart().startsWith(flag));
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => /^\s+-/.test(line));
  return [lines[start], ...rest.slice(0, end)].map((line) => line?.trim()).join(' ');
}
