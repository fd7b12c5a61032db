// Stands in for the organization consolidator's handler (src/handlers/consolidate-org.ts) while the
// source tree has none, so that org.json and its zip can still be packaged and checked. Packaging
// says so loudly; the function fails at once, with the fix, if such a build is ever deployed.

/** Refuses every invocation: this build has no consolidator. */
export async function handler(): Promise<never> {
  throw new Error(
    'this ecr-janitor build has no organization consolidator (src/handlers/consolidate-org.ts was missing when it was packaged): ' +
      'package and upload a release that has it, then update the organization stack',
  );
}
