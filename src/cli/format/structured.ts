import { toJsonValue } from './cell.js';

/** `-f json`: pretty (2 spaces) unless --noindent. */
export function formatJson(data: unknown, noindent: boolean): string {
  return `${JSON.stringify(toJsonValue(data), null, noindent ? undefined : 2)}\n`;
}

/** `-f yaml` (imports the yaml package only when used). */
export async function formatYaml(data: unknown): Promise<string> {
  const { stringify } = await import('yaml');
  return stringify(toJsonValue(data));
}
