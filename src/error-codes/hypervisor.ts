import { error } from './types.js';

/** libvirt through virsh: the freeze, thaw and status of a guest's filesystems. */
export const HYPERVISOR_CODES = {
  CCSNAP_HV_CONNECTION: error(
    'virsh cannot connect to the hypervisor of the compute host.',
    'Check the hypervisor uri template, ssh access to the host and libvirtd.',
  ),
  CCSNAP_HV_COMMAND: error(
    'virsh failed in a way ccsnap does not recognise, or could not be started.',
    'Read the virsh error in the message; check that virsh is installed.',
  ),
  CCSNAP_HV_TIMEOUT: error(
    'A virsh command did not finish within hypervisor.command_timeout.',
    'Check the host and libvirtd; raise command_timeout if they are merely slow.',
  ),
  CCSNAP_HV_DOMAIN_NOT_FOUND: error("libvirt has no domain of the instance's name on its host.", 'Check the instance in Nova (it may have moved or be gone).'),
  CCSNAP_HV_DOMAIN_NOT_RUNNING: error('The domain is not running, so its filesystems cannot be frozen.', 'Start the instance, or snapshot it shut off.'),
  CCSNAP_HV_AGENT_NOT_CONFIGURED: error(
    'The domain has no guest agent channel.',
    'Set hw_qemu_guest_agent=yes on the image, or use --freeze best-effort / skip.',
  ),
  CCSNAP_HV_AGENT_NOT_CONNECTED: error('The guest agent channel exists but no agent is connected.', 'Start qemu-guest-agent in the guest.'),
  CCSNAP_HV_AGENT_TIMEOUT: error('The guest agent does not answer.', 'Check qemu-guest-agent in the guest; try again.'),
  CCSNAP_HV_ALREADY_FROZEN: error(
    'The guest filesystems are already frozen (by someone else).',
    'Find out who froze them; thaw with `virsh domfsthaw` when it is safe.',
  ),
  CCSNAP_HV_STILL_FROZEN: error(
    'After a thaw attempt the agent still reports the filesystems frozen (recorded among thaw errors).',
    'The thaw is retried and the watchdog keeps thawing; check the guest if it persists.',
  ),
  CCSNAP_HV_BAD_ARGUMENT: error('A virsh argument contains a newline, carriage return or NUL; nothing was run.', 'Check the domain or host name Nova reports.'),
  CCSNAP_HV_BAD_HOST: error(
    'A compute host name cannot be put into the libvirt URI safely; nothing was run.',
    'Check the host name Nova reports for the instance.',
  ),
} as const;
