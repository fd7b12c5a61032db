// `npm run package:org [-- --param=NAME=VALUE … --consolidate-schedule "cron(…)"]`: writes
// .serverless-org/ for an organization rollout —
//   member.json    the stack every account gets, in every region (scripts/org/member-template.ts)
//   org.json       the stack set, the central bucket and bus, the consolidator (scripts/org/org-template.ts)
//   *.zip          the functions' code, the consolidator's included
//   manifest.json  what `npm run upload:org` puts in every artifact bucket, under which keys
// The member stack is today's stack as serverless.yml describes it (packaged twice, home and
// forwarder, then rewritten), so the single-account and organization deployments never drift apart.
// `--param` settings reach both packagings (e.g. --param=dryRun=true); regions are not among them:
// they are org.json's Regions parameter. The framework clears .serverless/ whenever it packages, so
// `npm run package` (the single-account stacks) runs after this, not before.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { zipSync } from 'fflate';
import { memberTemplate, type PackagingRegions } from './member-template';
import { CONSOLIDATOR_HANDLER, orgTemplate } from './org-template';
import { CONSOLIDATE_AFTER_HOURS, scheduleAfter } from './schedule';
import type { Template } from './template';

/** The regions the stacks are packaged in; member.json names neither. */
const PACKAGING: PackagingRegions = { home: 'us-east-1', others: ['eu-west-1'] };
/** The consolidator's zip in .serverless-org/ and in the artifact buckets. */
const CONSOLIDATOR_ZIP = 'consolidateOrg.zip';
/** Parameters that a stack set sets per deployment, not at packaging. */
const STACK_SET_PARAMS = ['regions', 'homeRegion'];
/** Zip entries' time: fixed, so the same code makes the same zip. */
const ZIP_TIME = new Date('2020-01-01T00:00:00Z');

/** One file the upload puts in every artifact bucket. */
export interface ManifestFile {
  /** The file in .serverless-org/. */
  file: string;
  /** Its key in the bucket. */
  key: string;
  contentType: string;
  sha256: string;
}

/** .serverless-org/manifest.json. */
export interface Manifest {
  keyPrefix: string;
  files: ManifestFile[];
}

function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function serverlessPackage(root: string, args: string[]): void {
  const bin = path.join(root, 'node_modules', '.bin', 'serverless');
  const run = spawnSync(bin, ['package', '--stage', 'prod', ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' },
  });
  if (run.status !== 0) throw new Error(`serverless package ${args.join(' ')} failed (exit ${String(run.status ?? run.signal)})`);
}

function readTemplate(dir: string): Template {
  return JSON.parse(readFileSync(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}

/** The consolidator's zip: its handler bundled as serverless.yml's esbuild settings bundle the others, at the path its Handler names. */
async function consolidatorZip(root: string): Promise<Uint8Array> {
  const handlerFile = CONSOLIDATOR_HANDLER.slice(0, CONSOLIDATOR_HANDLER.lastIndexOf('.'));
  const entry = path.join(root, `${handlerFile}.ts`);
  if (!existsSync(entry)) throw new Error(`${handlerFile}.ts, the consolidator's handler that org.json names, does not exist`);
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    keepNames: true,
    sourcemap: false,
    format: 'cjs',
    target: 'node22',
    platform: 'node',
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'warning',
  });
  const code = out.outputFiles[0]?.contents;
  if (code === undefined) throw new Error(`esbuild produced nothing for ${entry}`);
  return zipSync({ [`${handlerFile}.js`]: [code, { mtime: ZIP_TIME }] }, { level: 9 });
}

/** Writes .serverless-org/ (see the file's header). Returns the manifest. */
export async function packageOrg(root: string, options: { params: string[]; consolidateSchedule?: string }): Promise<Manifest> {
  const refused = options.params.filter((p) => STACK_SET_PARAMS.includes(p.split('=')[0] ?? ''));
  if (refused.length > 0) {
    throw new Error(
      `--param=${refused[0]} cannot be packaged: in an organization rollout the regions are org.json's Regions parameter and the home region is the region org.json is deployed in`,
    );
  }
  const out = path.join(root, '.serverless-org');
  rmSync(out, { recursive: true, force: true });
  const homeDir = path.join(out, 'build', 'home');
  const forwarderDir = path.join(out, 'build', 'forwarder');
  const params = options.params.map((p) => `--param=${p}`);
  const [other] = PACKAGING.others;
  if (other === undefined) throw new Error('PACKAGING.others names no region');
  serverlessPackage(root, [
    '--region',
    PACKAGING.home,
    `--param=regions=${[PACKAGING.home, ...PACKAGING.others].join(',')}`,
    ...params,
    '--package',
    homeDir,
  ]);
  serverlessPackage(root, ['--region', other, `--param=homeRegion=${PACKAGING.home}`, ...params, '--package', forwarderDir]);
  const home = readTemplate(homeDir);
  const forwarder = readTemplate(forwarderDir);

  const consolidator = await consolidatorZip(root);
  // The release: the code and the member stack as built (with a stand-in prefix), so that any change moves every key.
  const draft = memberTemplate({ home, forwarder, packaging: PACKAGING, keyPrefix: 'RELEASE' });
  const zips = new Map<string, Uint8Array>(draft.zips.map((zip) => [zip, readFileSync(path.join(homeDir, zip))]));
  zips.set(CONSOLIDATOR_ZIP, consolidator);
  const release = sha256([JSON.stringify(draft.template), ...[...zips].map(([name, data]) => `${name}:${sha256(data)}`)].join('\n'));
  const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const keyPrefix = `ecr-janitor/${version}-${release.slice(0, 12)}`;

  const member = memberTemplate({ home, forwarder, packaging: PACKAGING, keyPrefix }).template;
  const weekly = home.Resources.WeeklySchedule?.Properties?.ScheduleExpression;
  const consolidateSchedule = options.consolidateSchedule ?? scheduleAfter(String(weekly), CONSOLIDATE_AFTER_HOURS);
  const org = orgTemplate({ keyPrefix, consolidatorZip: CONSOLIDATOR_ZIP, consolidateSchedule });

  mkdirSync(out, { recursive: true });
  const memberText = `${JSON.stringify(member, null, 2)}\n`;
  writeFileSync(path.join(out, 'member.json'), memberText);
  writeFileSync(path.join(out, 'org.json'), `${JSON.stringify(org, null, 2)}\n`);
  const files: ManifestFile[] = [
    { file: 'member.json', key: `${keyPrefix}/member.json`, contentType: 'application/json', sha256: sha256(memberText) },
  ];
  for (const [name, data] of zips) {
    if (name === CONSOLIDATOR_ZIP) writeFileSync(path.join(out, name), data);
    else copyFileSync(path.join(homeDir, name), path.join(out, name));
    files.push({ file: name, key: `${keyPrefix}/${name}`, contentType: 'application/zip', sha256: sha256(data) });
  }
  const manifest: Manifest = { keyPrefix, files };
  writeFileSync(path.join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { param: { type: 'string', multiple: true, default: [] }, 'consolidate-schedule': { type: 'string' } },
    strict: true,
  });
  const root = process.cwd();
  const manifest = await packageOrg(root, {
    params: values.param,
    ...(values['consolidate-schedule'] === undefined ? {} : { consolidateSchedule: values['consolidate-schedule'] }),
  });
  const size = (file: string) => readFileSync(path.join(root, '.serverless-org', file)).length;
  process.stderr.write(
    `package:org: .serverless-org/member.json ${size('member.json')} bytes, org.json ${size('org.json')} bytes, ` +
      `${manifest.files.length} artifacts under ${manifest.keyPrefix}/\n` +
      'next: npm run upload:org -- --prefix PREFIX --regions REGION[,REGION…] --organization-id o-…\n',
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`package:org: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
