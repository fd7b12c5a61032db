// The flags of the commands that read registries and judge each repository (`audit`, `advise`,
// `remediate`, `weekly`): the groups of sources.ts, selection.ts and in-use.ts together.
import type { Command } from 'commander';
import { addInUseFlags, type GuardFlags, type InUseFlags } from './in-use';
import { addSelectionFlags, type SelectionFlags } from './selection';
import { addSourceFlags, type SourceChoices, type SourceFlags } from './sources';

/** The flags of the commands that read registries and judge each repository (`audit`, `remediate`, `weekly`). */
export type JudgeFlags = SourceFlags & SelectionFlags & InUseFlags & GuardFlags;

/** Adds the flags of {@link JudgeFlags}: where to read, which repositories may change, what is in use and the guard. */
export function addJudgeFlags(command: Command, choices: SourceChoices): Command {
  return addInUseFlags(addSelectionFlags(addSourceFlags(command, choices)), { guard: true });
}
