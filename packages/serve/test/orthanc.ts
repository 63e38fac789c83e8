/**
 * A throwaway Orthanc (Debian packages `orthanc` and `orthanc-dicomweb`, installed by .ci/run) for
 * the DICOMweb tests: its own storage folder, a free loopback port, no authentication, stopped
 * after the tests. Where it is not installed the tests skip and say why; with CI=true they fail.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

const PLUGIN = [process.env.AFFNET_ORTHANC_DICOMWEB, '/usr/share/orthanc/plugins/libOrthancDicomWeb.so', '/usr/lib/orthanc/libOrthancDicomWeb.so'].find(
  (p): p is string => Boolean(p) && existsSync(p!),
);
const BINARY = spawnSync('sh', ['-c', 'command -v Orthanc'], { encoding: 'utf8' }).stdout.trim();

/** Why the DICOMweb tests cannot run here, or undefined when they can. */
export const orthancMissing: string | undefined = !BINARY
  ? 'Orthanc is not installed (apt-get install orthanc orthanc-dicomweb)'
  : !PLUGIN
    ? 'the Orthanc DICOMweb plugin is not installed (apt-get install orthanc-dicomweb, or set AFFNET_ORTHANC_DICOMWEB)'
    : undefined;
if (orthancMissing && process.env.CI === 'true') throw new Error(`CI run without Orthanc: ${orthancMissing}`);
if (orthancMissing) console.warn(`DICOMweb tests skipped: ${orthancMissing}`);

export interface Orthanc {
  /** REST root, e.g. http://127.0.0.1:PORT */
  rest: string;
  /** DICOMweb root. */
  dicomweb: string;
  upload(file: Uint8Array): Promise<void>;
  instanceCount(): Promise<number>;
  stop(): Promise<void>;
}

export async function startOrthanc(): Promise<Orthanc> {
  const dir = mkdtempSync(join(tmpdir(), 'affnet-orthanc-'));
  const port = await freePort();
  const config = {
    Name: 'affnet-test',
    StorageDirectory: join(dir, 'db'),
    IndexDirectory: join(dir, 'db'),
    HttpPort: port,
    DicomServerEnabled: false,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    Plugins: [PLUGIN],
    DicomWeb: { Enable: true, Root: '/dicom-web/' },
  };
  writeFileSync(join(dir, 'orthanc.json'), JSON.stringify(config));
  const child: ChildProcess = spawn(BINARY, [join(dir, 'orthanc.json')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const rest = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Orthanc exited (${child.exitCode}): ${stderr}`);
    try {
      if ((await fetch(`${rest}/system`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`Orthanc did not start in 30 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    rest,
    dicomweb: `${rest}/dicom-web`,
    async upload(file) {
      const res = await fetch(`${rest}/instances`, { method: 'POST', body: file });
      if (!res.ok) throw new Error(`Orthanc refused an upload: ${res.status} ${await res.text()}`);
    },
    async instanceCount() {
      return ((await (await fetch(`${rest}/statistics`)).json()) as { CountInstances: number }).CountInstances;
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
