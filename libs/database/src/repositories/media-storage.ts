import { Injectable } from '@nestjs/common';
import { InjectSettings, type Settings } from '@app/config';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';

/** The shape of every key `newKey` makes: a two-character folder, a UUID and an extension. */
const MEDIA_KEY = /^[0-9a-f]{2}\/[0-9a-f-]{36}\.[a-z]+$/;

export const isMediaKey = (key: string): boolean => MEDIA_KEY.test(key);

/** Files on local disk under MEDIA_DIR. Keys are generated here, never taken from clients. */
@Injectable()
export class MediaStorage {
  /** The directory the keys are relative to. */
  readonly root: string;

  constructor(@InjectSettings() settings: Settings) {
    this.root = resolve(settings.storage.mediaDir);
  }

  newKey(extension: string): string {
    const id = randomUUID();
    return `${id.slice(0, 2)}/${id}.${extension}`;
  }

  /** Written to a temp name then renamed, so a reader never sees half a file. */
  async write(key: string, bytes: Buffer): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${randomUUID()}.tmp`;
    await writeFile(temp, bytes);
    await rename(temp, path);
  }

  read(key: string): Promise<Buffer> {
    return readFile(this.path(key));
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  path(key: string): string {
    if (!isMediaKey(key)) throw new Error('Invalid media key');
    return join(this.root, key);
  }
}
