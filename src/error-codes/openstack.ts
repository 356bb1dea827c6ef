import { error } from './types.js';

/** Keystone, Nova and Cinder: the HTTP session and the resources ccsnap looks up. */
export const OPENSTACK_CODES = {
  CCSNAP_AUTH_FAILED: error('Keystone refused the credentials (HTTP 401).', "Check the cloud's user, password, project or application credential."),
  CCSNAP_AUTH_NO_V3: error('The auth URL advertises no Identity v3 API.', 'Point auth_url at the Keystone v3 endpoint.'),
  CCSNAP_CATALOG_NO_ENDPOINT: error(
    'The service catalog has no endpoint for a needed service, interface or region.',
    'Check region_name and interface against the services the message lists.',
  ),
  CCSNAP_HTTP_STATUS: error(
    'An OpenStack API answered with an error status (details.status).',
    'Read the status and text in the message; --debug shows the request.',
  ),
  CCSNAP_HTTP_UNREACHABLE: error(
    'An OpenStack API could not be reached (DNS, refused or reset connection).',
    'Check the endpoint URL, the network and the service.',
  ),
  CCSNAP_HTTP_TLS: error('TLS verification of an OpenStack endpoint failed.', 'Pass the CA bundle with --os-cacert (or OS_CACERT / cacert in clouds.yaml).'),
  CCSNAP_HTTP_TIMEOUT: error('An OpenStack request did not answer within the request timeout.', 'Check the service; raise --timeout if it is merely slow.'),
  CCSNAP_HTTP_BAD_RESPONSE: error(
    'An OpenStack API answered with a body ccsnap cannot use (invalid JSON, no X-Subject-Token).',
    'Check that the URL is the right service; --debug shows the answer.',
  ),
  CCSNAP_INSTANCE_NOT_FOUND: error('No instance has that id or name.', 'Check the name or id with `ccsnap instances`.'),
  CCSNAP_INSTANCE_AMBIGUOUS: error('More than one instance has that name.', 'Use the instance id.'),
  CCSNAP_INSTANCE_ERROR: error('An instance went to ERROR while ccsnap waited for its status.', 'Inspect the fault with `openstack server show`.'),
  CCSNAP_WAIT_TIMEOUT: error('An instance did not reach the wanted status before the deadline.', 'Check the instance in Nova; try again when it is settled.'),
  CCSNAP_VOLUME_NOT_FOUND: error('No volume has that id or name.', 'Check the id or name with `openstack volume list`.'),
  CCSNAP_VOLUME_AMBIGUOUS: error('More than one volume has that name.', 'Use the volume id.'),
} as const;
