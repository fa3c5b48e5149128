// Image builds of the Docker tier and the bench: the FROM-scratch Redis base, and directory
// builds the way pulumi-docker's Image makes them.
export { ensureBaseImage, removeTestImages } from "./base";
export { ensureExporterImage, EXPORTER_IMAGE_TAG } from "./exporter";
export { buildFromDirectory, buildImage } from "./build";
export type { BuildRequest, DirectoryBuild } from "./build";
export { contextTar } from "./context";
export type { ContextTar } from "./context";
export { packTar } from "./tar";
export type { TarEntry } from "./tar";
