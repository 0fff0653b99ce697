"""Uploaded datasets: the admin form, validation, background processing, stored arrays, pages.

    forms (admin) -> check (readers per kind, UploadError naming the line/column/file)
    services.dataset_upload -> tasks.process_dataset -> processing.dataset_process -> process
    (readers + trainer's preprocessing) -> store (.npz) -> selectors.dataset_infos -> trainer.spec.parse(uploads=)

No JAX here: the readers use NumPy, Pillow and trainer's NumPy-only modules
(trainer.images, trainer.text, trainer.datasets).
"""
