/**
 * Reads an agency directory from a JSON or YAML file and validates it against
 * schemas/agency-directory.schema.json, filling defaults (pull delivery,
 * required signatures). Errors name the file and the JSON path at fault.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import YAML from 'yaml';
import { HubError } from '../shared/hub-error.js';
import { agencyWithDefaults, normalizeFingerprint, type Agency, type DirectoryFile } from './agency.js';

/** The demo directory bundled with the package (also the default). */
export const DEMO_DIRECTORY_FILE = fileURLToPath(new URL('../../src/directory/demo-directory.yaml', import.meta.url));
const SCHEMA_FILE = new URL('../../schemas/agency-directory.schema.json', import.meta.url);

interface RawAgency {
  organId: string;
  name: string;
  parent?: string | null;
  contact?: Agency['contact'];
  delivery?: Agency['delivery'];
  signaturePolicy?: Agency['signaturePolicy'];
  allowLegacyAlgorithms?: boolean;
  certificates?: string[];
  limits?: Agency['limits'];
  active?: boolean;
}
interface RawDirectory {
  agencies: RawAgency[];
  auditors?: { name: string; certificates?: string[] }[];
}

let validator: ((data: unknown) => boolean) & { errors?: unknown } | null = null;

async function validate(data: unknown, file: string): Promise<RawDirectory> {
  if (!validator) {
    const schema = JSON.parse(await readFile(SCHEMA_FILE, 'utf8')) as object;
    validator = new Ajv({ allErrors: true, strict: false }).compile(schema);
  }
  if (!validator(data)) {
    const errors = (validator.errors ?? []) as { instancePath: string; message?: string }[];
    const detail = errors.slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
    throw new HubError('directory.invalid_file', `${file}: ${detail}`, { details: { errors } });
  }
  return data as RawDirectory;
}

/** Turns validated raw entries into complete Agency records and checks cross-references. */
export function normalizeDirectory(raw: RawDirectory, file = 'directory'): DirectoryFile {
  const seen = new Set<string>();
  const agencies: Agency[] = raw.agencies.map((a) => {
    if (seen.has(a.organId)) {
      throw new HubError('directory.duplicate_agency', `${file}: OrganId ${a.organId} is listed twice`, { organId: a.organId });
    }
    seen.add(a.organId);
    return agencyWithDefaults({
      organId: a.organId,
      name: a.name,
      parent: a.parent ?? null,
      ...(a.contact ? { contact: a.contact } : {}),
      ...(a.delivery ? { delivery: a.delivery } : {}),
      ...(a.signaturePolicy ? { signaturePolicy: a.signaturePolicy } : {}),
      ...(a.allowLegacyAlgorithms !== undefined ? { allowLegacyAlgorithms: a.allowLegacyAlgorithms } : {}),
      certificates: (a.certificates ?? []).map(normalizeFingerprint),
      ...(a.limits ? { limits: a.limits } : {}),
      ...(a.active !== undefined ? { active: a.active } : {}),
    });
  });
  for (const a of agencies) {
    if (a.parent !== null && !seen.has(a.parent)) {
      throw new HubError('directory.unknown_parent', `${file}: parent ${a.parent} of ${a.organId} is not in the directory`, { organId: a.organId });
    }
  }
  const auditors = (raw.auditors ?? []).map((u) => ({ name: u.name, certificates: (u.certificates ?? []).map(normalizeFingerprint) }));
  return { agencies, auditors };
}

/** Parses directory text (JSON or YAML; JSON is valid YAML). */
export async function parseDirectory(text: string, file = 'directory'): Promise<DirectoryFile> {
  let data: unknown;
  try {
    data = YAML.parse(text, { maxAliasCount: 0 });
  } catch (e) {
    throw new HubError('directory.invalid_file', `${file}: not valid JSON/YAML: ${(e as Error).message}`);
  }
  return normalizeDirectory(await validate(data, file), file);
}

/** Loads and validates a directory file; defaults to the bundled demo directory. */
export async function loadDirectoryFile(file: string = DEMO_DIRECTORY_FILE): Promise<DirectoryFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new HubError('directory.file_unreadable', `cannot read directory file ${file}: ${(e as Error).message}`);
  }
  return parseDirectory(text, file);
}
