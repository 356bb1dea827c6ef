import { CcsnapError } from '../errors.js';

export const DEFAULT_URI_TEMPLATE = 'qemu:///system';

/** Compute host names as Nova reports them: a hostname, an IPv4 address or a bracketed IPv6 address. */
const HOST_RE = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,253})|\[[0-9A-Fa-f:.]+\])$/;

/**
 * Builds the libvirt URI for a compute host from a template such as "qemu+ssh://{host}/system".
 * The result is passed to virsh as ONE argv element (`-c URI`), never through a shell; the host is still
 * validated so that it cannot change the URI's structure (user info, path, query).
 */
export function uriForHost(template: string, host: string): string {
  if (!template.includes('{host}')) return template;
  if (!HOST_RE.test(host)) {
    throw new CcsnapError('CCSNAP_HV_BAD_HOST', `compute host name ${JSON.stringify(host)} cannot be used in a libvirt URI`, {
      details: { host, uriTemplate: template },
    });
  }
  return template.split('{host}').join(host);
}

/** Checks a URI template: a scheme, and no placeholder other than {host}. */
export function validateUriTemplate(template: string): string {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(template)) {
    throw new CcsnapError('CCSNAP_HV_CONFIG', `hypervisor uri ${JSON.stringify(template)} has no scheme (e.g. qemu+ssh://{host}/system)`);
  }
  const other = template.replace(/\{host\}/g, '').match(/\{[^}]*\}/);
  if (other) throw new CcsnapError('CCSNAP_HV_CONFIG', `hypervisor uri: unknown placeholder ${other[0]} (only {host})`);
  return template;
}

/** The URI with any password in its user info removed, for error details and logs. */
export function redactUri(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, '$1:***@');
}
