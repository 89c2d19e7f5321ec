// Append-only segment files of the embedded log, one per partition: batches are written once, at positions the index owns.
import { closeSync, constants, fdatasyncSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class SegmentFiles {
  private readonly fds = new Map<number, number>();

  constructor(
    private readonly dir: string,
    private readonly sync: boolean,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /**
   * Writes at an explicit position, not at the end of the file: bytes a killed writer left past the
   * committed end are simply overwritten by the next writer.
   */
  write(partitionId: number, position: number, data: Uint8Array): void {
    const fd = this.fd(partitionId);
    let done = 0;
    while (done < data.length) done += writeSync(fd, data, done, data.length - done, position + done);
  }

  /** Makes what was written durable (power loss included) before the index commits it. */
  flush(partitionId: number): void {
    if (this.sync) fdatasyncSync(this.fd(partitionId));
  }

  read(partitionId: number, position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    const fd = this.fd(partitionId);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, buf, done, length - done, position + done);
      if (n === 0)
        throw new Error(
          `segment p${partitionId}.log is shorter than its index says (${position + done} < ${position + length})`,
        );
      done += n;
    }
    return buf;
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  private fd(partitionId: number): number {
    let fd = this.fds.get(partitionId);
    if (fd === undefined) {
      // Not O_APPEND: on Linux, positional writes to an O_APPEND file go to the end regardless.
      fd = openSync(join(this.dir, `p${partitionId}.log`), constants.O_RDWR | constants.O_CREAT, 0o644);
      this.fds.set(partitionId, fd);
    }
    return fd;
  }
}
