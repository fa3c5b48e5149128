// Image builds, shared by the test base image (base.ts), the live backend's docker.Image and the
// bench. Builds go through the Engine API with the classic builder (no BuildKit here).
import { Readable } from "stream";
import type Docker from "dockerode";
import { dockerClient } from "../docker";
import { contextTar } from "./context";

/** What to build. */
export interface BuildRequest {
    /** Build context as a tar (see contextTar). */
    context: Buffer;
    /** Dockerfile path inside the context tar. */
    dockerfile: string;
    /** Tag of the result, e.g. "redis-replication-test/node:x". */
    tag: string;
    /** Build arguments. */
    buildArgs?: Record<string, string>;
    /** Labels added to the image. */
    labels?: Record<string, string>;
    /** Target platform, e.g. linux/amd64. */
    platform?: string;
    /** Build stage to stop at. */
    target?: string;
    /** Ignore the build cache, as `docker build --no-cache`. */
    noCache?: boolean;
}

/**
 * Builds with the classic builder on `docker` (default the one client) and returns the image id
 * (sha256:...). Throws with the build log on failure.
 */
export async function buildImage(req: BuildRequest, docker: Docker = dockerClient()): Promise<string> {
    const stream: NodeJS.ReadableStream = await docker.buildImage(Readable.from([req.context]), {
        t: req.tag,
        dockerfile: req.dockerfile,
        buildargs: req.buildArgs,
        labels: req.labels,
        platform: req.platform,
        target: req.target,
        nocache: req.noCache,
        version: "1",
        rm: true,
        forcerm: true, // no intermediate containers left behind when a step fails
    });
    const log: string[] = [];
    let imageId: string | undefined;
    let failure: string | undefined;
    await new Promise<void>((resolve, reject) => {
        docker.modem.followProgress(
            stream,
            (err: Error | null) => (err ? reject(err) : resolve()),
            (event: { stream?: string; error?: string; errorDetail?: { message?: string }; aux?: { ID?: string } }) => {
                if (event.stream) log.push(event.stream);
                if (event.aux?.ID) imageId = event.aux.ID;
                if (event.error || event.errorDetail) failure ??= event.errorDetail?.message ?? event.error;
            },
        );
    });
    if (failure !== undefined || imageId === undefined) {
        throw new Error(`docker build of ${req.tag} failed: ${failure ?? "no image id reported"}\n${log.join("").trimEnd()}`);
    }
    return imageId;
}

/** Options of a build from a directory, as docker.Image takes them: paths absolute, or relative to the process cwd (as pulumi-docker resolves them). */
export type DirectoryBuild = Omit<BuildRequest, "context" | "dockerfile"> & { context: string; dockerfile: string };

/**
 * Builds a directory context like pulumi-docker's Image with BuilderV1, on `docker` (default the
 * one client). Returns the image id and the Dockerfile path relative to the context.
 */
export async function buildFromDirectory(
    req: DirectoryBuild,
    docker: Docker = dockerClient(),
): Promise<{ imageId: string; relDockerfile: string }> {
    const ctx = contextTar(req.context, req.dockerfile);
    const imageId = await buildImage({ ...req, context: ctx.tar, dockerfile: ctx.dockerfile }, docker);
    return { imageId, relDockerfile: ctx.relDockerfile };
}
