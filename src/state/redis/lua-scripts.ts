import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { createClient } from 'redis';

export type RedisConnection = ReturnType<typeof createClient>;

/** A Lua reply as node-redis hands it over (RESP2). */
export type LuaReply = string | number | null | undefined | Buffer | LuaReply[];

/** One atomic script, read from `<name>-<numKeys>.lua` with its includes inlined. */
export interface LuaScript {
  name: string;
  /** Declared keys; a variadic script (lane keys) receives these plus its extra keys. */
  numKeys: number;
  source: string;
  sha: string;
}

const SCRIPT_FILE = /^(.+)-(\d+)\.lua$/;
const INCLUDE_LINE = /^--- @include "([^"]+)"\s*$/gm;

/**
 * Reads every `<name>-<numKeys>.lua` of `dir`, inlining `--- @include "x"`
 * lines (paths relative to `dir`, without `.lua`; each include at most once
 * per script, nested includes resolved first).
 */
export function readLuaScripts(dir: string): Map<string, LuaScript> {
  const scripts = new Map<string, LuaScript>();
  for (const file of readdirSync(dir).sort()) {
    const match = SCRIPT_FILE.exec(file);
    if (!match) continue;
    const source = inlineIncludes(dir, readFileSync(path.join(dir, file), 'utf8'), new Set());
    const sha = createHash('sha1').update(source).digest('hex');
    scripts.set(match[1], { name: match[1], numKeys: Number(match[2]), source, sha });
  }
  return scripts;
}

function inlineIncludes(dir: string, source: string, seen: Set<string>): string {
  return source.replace(INCLUDE_LINE, (_line, name: string) => {
    const normalized = name.startsWith('includes/') ? name : `includes/${name}`;
    if (seen.has(normalized)) return '';
    seen.add(normalized);
    const included = readFileSync(path.join(dir, `${normalized}.lua`), 'utf8');
    return inlineIncludes(dir, included, seen);
  });
}

/**
 * Runs scripts by EVALSHA. They are loaded once at start-up; a NOSCRIPT reply
 * (Redis restarted or SCRIPT FLUSH) reloads the script and retries once, so
 * callers never see it.
 */
export class LuaScriptRunner {
  private readonly logger = new Logger(LuaScriptRunner.name);

  constructor(
    private readonly client: RedisConnection,
    private readonly scripts: Map<string, LuaScript>,
  ) {}

  async loadAll(): Promise<void> {
    await Promise.all([...this.scripts.values()].map((script) => this.load(script)));
  }

  async run(name: string, keys: string[], args: string[]): Promise<LuaReply> {
    const script = this.scripts.get(name);
    if (!script) throw new Error(`unknown Lua script ${name}`);
    if (keys.length < script.numKeys) throw new Error(`script ${name} needs ${script.numKeys} keys, got ${keys.length}`);
    try {
      return await this.client.evalSha(script.sha, { keys, arguments: args });
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      this.logger.warn(`script ${name} missing on the server (restart or flush?): reloading`);
      await this.load(script);
      return this.client.evalSha(script.sha, { keys, arguments: args });
    }
  }

  private async load(script: LuaScript): Promise<void> {
    const sha = await this.client.scriptLoad(script.source);
    // Our sha1 and the server's must agree, or EVALSHA would run nothing.
    if (sha !== script.sha) throw new Error(`script ${script.name}: server sha ${sha} differs from ${script.sha}`);
  }
}
