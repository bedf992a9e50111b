import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseStandInConfig } from './config.js';
import { StandInConfigError, type StandInConfig } from './config-types.js';

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Describes a JSON syntax error without quoting the file, because V8's message can quote
 * the text around the error, and that text may contain an API key.
 */
function describeJsonError(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const position = /at position (\d+)/.exec(message);
  let where = '';
  if (position) {
    const before = text.slice(0, Number(position[1]));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    where = ` at line ${line}, column ${column}`;
  }
  const reason = message.includes('"')
    ? (/^Unexpected token '.+?'/.exec(message)?.[0] ?? 'syntax error')
    : message.replace(/ in JSON at position \d+$/, '');
  return `not valid JSON${where}: ${reason}`;
}

/** Lists content whose `source` folder or `rmd` file is missing on disk. */
async function findMissingFiles(config: StandInConfig, configDir: string): Promise<string[]> {
  const problems: string[] = [];
  for (const [index, item] of config.content.entries()) {
    if (item.source === undefined) {
      continue;
    }
    const sourceDir = resolve(configDir, item.source);
    if (!(await isDirectory(sourceDir))) {
      problems.push(`content[${index}].source: folder ${sourceDir} does not exist`);
      continue;
    }
    if (item.rmd !== undefined && !(await isFile(join(sourceDir, item.rmd)))) {
      problems.push(`content[${index}].rmd: file ${join(sourceDir, item.rmd)} does not exist`);
    }
  }
  return problems;
}

/**
 * Reads and parses the JSON file. `source` names the file in errors, and `label` starts
 * each problem.
 */
export async function readJsonFile(
  absolutePath: string,
  source: string,
  label = 'config',
): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(absolutePath, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new StandInConfigError([`${label}: cannot read the file (${reason})`], source);
  }

  // Editors on Windows may save JSON with a byte-order mark, which JSON.parse rejects.
  text = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StandInConfigError([`${label}: ${describeJsonError(text, error)}`], source);
  }
}

/**
 * Reads and validates a stand-in config file. Content `source` folders resolve against the
 * returned `configDir`, the folder that contains the file. Throws StandInConfigError when
 * the file is unreadable, is not JSON, is invalid, or names missing folders or files.
 */
export async function loadStandInConfig(
  path: string,
): Promise<{ config: StandInConfig; configDir: string }> {
  const absolutePath = resolve(path);
  const configDir = dirname(absolutePath);
  const source = `stand-in config ${absolutePath}`;
  const json = await readJsonFile(absolutePath, source);

  let config: StandInConfig;
  try {
    config = parseStandInConfig(json);
  } catch (error) {
    if (error instanceof StandInConfigError) {
      throw new StandInConfigError(error.problems, source);
    }
    throw error;
  }

  const missing = await findMissingFiles(config, configDir);
  if (missing.length > 0) {
    throw new StandInConfigError(missing, source);
  }
  return { config, configDir };
}
