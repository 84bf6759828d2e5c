import { mkdir, open, readdir, readFile, rename, unlink } from "node:fs/promises";
import { dirname, basename, join } from "node:path";
import type { EmulatorSnapshot } from "./state.js";

/**
 * Reads a snapshot written by {@link SnapshotWriter}; `undefined` when the file does not exist
 * yet. Removes temporary files a killed writer left behind: the snapshot itself is always whole.
 */
export async function readSnapshot(file: string): Promise<EmulatorSnapshot | undefined> {
  await removeStaleTemporaries(file);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`Emulator data file ${file} is not valid JSON`, { cause: error });
  }
  const snapshot = parsed as Partial<EmulatorSnapshot>;
  if (snapshot.formatVersion !== 1 || !Array.isArray(snapshot.threads) || !Array.isArray(snapshot.users)) {
    throw new Error(`Emulator data file ${file} is not an emulator snapshot (formatVersion 1)`);
  }
  return snapshot as EmulatorSnapshot;
}

/**
 * Writes snapshots so that the file on disk is always a whole snapshot: each write goes to a
 * temporary file in the same folder, is flushed to disk, then renamed over the target (rename is
 * atomic on POSIX file systems). Requests only mark the state dirty; writes are coalesced so a burst
 * of sends costs one write, and `flush()` (called by `close()`) writes whatever is pending.
 */
export class SnapshotWriter {
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private lastError: unknown;

  constructor(
    private readonly file: string,
    private readonly takeSnapshot: () => EmulatorSnapshot,
    private readonly delayInMs = 50,
  ) {}

  markDirty(): void {
    this.dirty = true;
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush().catch(() => undefined);
      }, this.delayInMs);
      this.timer.unref();
    }
  }

  /** Writes pending changes; rejects with the error of a failed write. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.writing = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      try {
        await writeAtomically(this.file, JSON.stringify(this.takeSnapshot()));
        this.lastError = undefined;
      } catch (error) {
        this.dirty = true;
        this.lastError = error;
      }
    });
    await this.writing;
    if (this.lastError) throw this.lastError;
  }
}

const temporaryPrefix = (file: string) => `.${basename(file)}.`;

async function removeStaleTemporaries(file: string): Promise<void> {
  const names = await readdir(dirname(file)).catch(() => [] as string[]);
  const prefix = temporaryPrefix(file);
  for (const name of names) {
    if (name.startsWith(prefix) && name.endsWith(".tmp")) await unlink(join(dirname(file), name)).catch(() => undefined);
  }
}

async function writeAtomically(file: string, contents: string): Promise<void> {
  const folder = dirname(file);
  await mkdir(folder, { recursive: true });
  const temporary = join(folder, `${temporaryPrefix(file)}${process.pid}.tmp`);
  // Owner-only: the file holds the access key, the token signing key and the certificate's private key.
  const handle = await open(temporary, "w", 0o600);
  try {
    await handle.writeFile(contents, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  // Make the rename itself durable; not every platform lets a folder be opened for this.
  const folderHandle = await open(folder, "r").catch(() => undefined);
  if (folderHandle) {
    await folderHandle.sync().catch(() => undefined);
    await folderHandle.close();
  }
}
