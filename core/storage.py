"""Where uploads and rendered forms live: Django's storage API only (issue 13.13).

The backend is chosen by settings.STORAGES["default"] from the environment (propserv/settings/base.py):
the filesystem under MEDIA_ROOT by default (`AtomicFileSystemStorage`), or an S3-compatible object
store when `AWS_STORAGE_BUCKET_NAME` is set, so several web and worker machines share the files.
Code never builds a MEDIA_ROOT path: it names files (`tickets/print/12/zh-hans-….pdf`) and calls
`default_storage` (or a FileField's storage) to save, open, list and delete them.
"""

from __future__ import annotations

import os
import tempfile

from django.core.files.storage import FileSystemStorage


class AtomicFileSystemStorage(FileSystemStorage):
    """The filesystem backend, where a file appears whole or not at all.

    A form the worker is rendering ahead may be read by a web process at the same moment: the bytes
    go to a temporary file in the same folder and are linked under the final name when complete (an
    object store's PUT is atomic in the same way). Like FileSystemStorage, an existing name is never
    overwritten: a clash gets another available name.
    """

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        if self.directory_permissions_mode is not None:
            old_umask = os.umask(0o777 & ~self.directory_permissions_mode)
            try:
                os.makedirs(directory, self.directory_permissions_mode, exist_ok=True)
            finally:
                os.umask(old_umask)
        else:
            os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".partial-")
        try:
            with os.fdopen(fd, "wb") as fh:
                if hasattr(content, "chunks"):
                    for chunk in content.chunks():
                        fh.write(chunk)
                else:
                    fh.write(content.read())
            os.chmod(tmp, self.file_permissions_mode if self.file_permissions_mode is not None else 0o644)
            while True:
                try:
                    os.link(tmp, full_path)  # fails if the name exists: never replaces another file
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            os.unlink(tmp)
        return str(name).replace("\\", "/")
