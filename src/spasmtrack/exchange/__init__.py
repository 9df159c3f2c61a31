"""What the apps share to exchange a person's data, below every app that owns some: the export
section protocol (`sections`), the FHIR protocol and shared builders (`fhir_kit`) and the import
limits every reader checks (`limits`). `interop`, above the apps, holds the formats, the native
and FHIR documents with their all-or-nothing loaders, and the importers of other programs."""
