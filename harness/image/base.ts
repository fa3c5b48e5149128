// The Redis base image of the Docker tier and the bench. There is no registry here, so
// the official redis image can't be pulled; instead we pack Debian's redis-server,
// redis-cli and redis-check-rdb with the libraries they load into a FROM-scratch image
// that looks like the official one where the group cares: binaries on PATH, a `redis`
// user with uid 999, /data owned by it, and `sh` with the usual tools (Debian's static
// busybox, as the official alpine image has it), which the backup container runs.
// docker/Dockerfile has no RUN all the same (a unit test holds it to that).

import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import type Docker from "dockerode";
import { dockerClient, removeIfPresent, statusCode, TEST_LABEL } from "../docker";
import { buildImage } from "./build";
import { packTar, TarEntry } from "./tar";

/** Tag of the test base image. */
const BASE_IMAGE_TAG = "redis-replication-test/base:7.0-sh";

const BINARIES = ["/usr/bin/redis-server", "/usr/bin/redis-cli", "/usr/bin/redis-check-rdb"];
/** Debian's busybox-static: a shell and its tools with no library to carry. */
const BUSYBOX = "/bin/busybox";
const REDIS_UID = 999;

/** Libraries `ldd` lists for a binary, plus the dynamic loader, as absolute paths. */
export function sharedLibraries(binary: string): string[] {
    const out = execFileSync("ldd", [binary], { encoding: "utf8" });
    const libs: string[] = [];
    for (const line of out.split("\n")) {
        // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
        const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
        if (m?.[1]) libs.push(m[1]);
        if (/not found/.test(line)) throw new Error(`ldd ${binary}: ${line.trim()}`);
    }
    return libs;
}

/** The base image's root filesystem as tar entries. */
function rootfsEntries(): TarEntry[] {
    const entries: TarEntry[] = [];
    // Debian's redis-server is a symlink to redis-check-rdb (redis picks its role
    // from argv[0]); copy the real files under the names the official image uses.
    for (const bin of BINARIES) {
        entries.push({ name: `usr/local/bin/${path.basename(bin)}`, data: fs.readFileSync(fs.realpathSync(bin)), mode: 0o755 });
    }
    const libs = new Set(BINARIES.flatMap(sharedLibraries));
    for (const lib of [...libs].sort()) {
        // Real content at the path the loader asks for; no symlink chains to reproduce.
        entries.push({ name: lib.slice(1), data: fs.readFileSync(fs.realpathSync(lib)), mode: 0o755 });
    }
    entries.push({ name: "bin/busybox", data: fs.readFileSync(BUSYBOX), mode: 0o755 });
    for (const applet of execFileSync(BUSYBOX, ["--list"], { encoding: "utf8" }).split("\n").filter(Boolean)) {
        if (applet !== "busybox") entries.push({ name: `bin/${applet}`, type: "symlink", linkname: "busybox" });
    }
    entries.push(
        {
            name: "etc/passwd",
            data: Buffer.from(`root:x:0:0:root:/root:/sbin/nologin\nredis:x:${REDIS_UID}:${REDIS_UID}:redis:/data:/sbin/nologin\n`),
        },
        { name: "etc/group", data: Buffer.from(`root:x:0:\nredis:x:${REDIS_UID}:\n`) },
        { name: "data", type: "dir", mode: 0o755, uid: REDIS_UID, gid: REDIS_UID },
        { name: "tmp", type: "dir", mode: 0o1777, uid: REDIS_UID, gid: REDIS_UID },
    );
    return entries;
}

// ADD (not COPY) of a local tar extracts it keeping the owners and modes in its
// headers; COPY would make /data root-owned.
const BASE_DOCKERFILE = `FROM scratch
ADD rootfs.tar /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CMD ["redis-server"]
`;

export async function imageExists(docker: Docker, tag: string): Promise<boolean> {
    try {
        await docker.getImage(tag).inspect();
        return true;
    } catch (err) {
        if (statusCode(err) === 404) return false;
        throw err;
    }
}

/** The base image's build (or check) in progress or done, by engine. */
const basePromises = new Map<Docker, Promise<string>>();

/** Returns the tag of the test base image on `docker` (default the one client), building it there first if it is absent. */
export function ensureBaseImage(docker: Docker = dockerClient()): Promise<string> {
    let basePromise = basePromises.get(docker);
    if (basePromise !== undefined) return basePromise;
    basePromise = (async () => {
        if (await imageExists(docker, BASE_IMAGE_TAG)) return BASE_IMAGE_TAG;
        const context = packTar([
            { name: "Dockerfile", data: Buffer.from(BASE_DOCKERFILE) },
            { name: "rootfs.tar", data: packTar(rootfsEntries()) },
        ]);
        await buildImage(
            {
                context,
                dockerfile: "Dockerfile",
                tag: BASE_IMAGE_TAG,
                labels: { [TEST_LABEL]: "1", "org.opencontainers.image.title": "redis-replication test base" },
            },
            docker,
        );
        return BASE_IMAGE_TAG;
    })();
    basePromises.set(docker, basePromise);
    basePromise.catch(() => basePromises.delete(docker)); // a failed build may be retried
    return basePromise;
}

/**
 * Removes the images labelled for the tier, newest first: those of one test label value, or
 * every one (the base image too) for the tier's final teardown; on `docker` (default the one client).
 */
export async function removeTestImages(testLabel?: string, docker: Docker = dockerClient()): Promise<void> {
    const label = testLabel === undefined ? TEST_LABEL : `${TEST_LABEL}=${testLabel}`;
    const images = await docker.listImages({ all: false, filters: JSON.stringify({ label: [label] }) });
    images.sort((a, b) => b.Created - a.Created); // children before the base they were built on
    const errors: Error[] = [];
    for (const img of images) {
        const tags = (img.RepoTags ?? []).filter((t) => t !== "<none>:<none>");
        // Untag one by one: removing an id with several tags needs force.
        for (const ref of tags.length > 0 ? tags : [img.Id]) {
            await removeIfPresent(docker.getImage(ref).remove()).catch((err: Error) => errors.push(err));
        }
    }
    if (testLabel === undefined) basePromises.delete(docker);
    if (errors.length > 0) {
        throw new Error(`removeTestImages: ${errors.map((e) => e.message).join("; ")}`);
    }
}
