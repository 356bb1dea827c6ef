"""Cinder volume driver for the realstack suite: python3-cinder's own fake logging driver
(cinder.tests.fake_driver.FakeLoggingVolumeDriver) with the image<->volume copies made no-ops.

The volume *bytes* do not live in Cinder here: they are the sandbox array's file-backed images (one
ext4 image per volume, keyed by the volume id, as the CloudByte driver names its filesystems).
Without the no-op copy, `volume create --image` fails in qemu-img against a /dev/mapper device."""
from cinder.tests import fake_driver


class NoCopyFakeDriver(fake_driver.FakeLoggingVolumeDriver):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the parent reports the hard-coded backend name "fake"; report the configured one, so that
        # volume types can name this backend as they would name a real CloudByte one
        self.backend_name = self.configuration.safe_get("volume_backend_name") or self.backend_name

    def copy_image_to_volume(self, context, volume, image_service, image_id, disable_sparse=False):
        pass

    def copy_image_to_encrypted_volume(self, context, volume, image_service, image_id):
        pass

    def copy_volume_to_image(self, context, volume, image_service, image_meta):
        pass

    def extend_volume(self, volume, new_size):
        pass
