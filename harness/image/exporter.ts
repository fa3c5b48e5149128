// The exporter image of the Docker tier and the bench. No registry here, so the component's
// default (a pinned oliver006/redis_exporter) can't be pulled; instead Debian's
// prometheus-redis-exporter (1.45) and the libraries it loads go into a FROM-scratch image laid
// out as the official one is: /redis_exporter as the entrypoint, run as uid 59000, port 9121.
import * as fs from "fs";
import type Docker from "dockerode";
import { dockerClient, TEST_LABEL } from "../docker";
import { imageExists, sharedLibraries } from "./base";
import { buildImage } from "./build";
import { packTar, TarEntry } from "./tar";

/** Tag of the test exporter image: pass it as metrics.image. */
export const EXPORTER_IMAGE_TAG = "redis-replication-test/exporter:1.45";
const BINARY = "/usr/bin/prometheus-redis-exporter";

const EXPORTER_DOCKERFILE = `FROM scratch
ADD rootfs.tar /
USER 59000:59000
EXPOSE 9121
ENTRYPOINT ["/redis_exporter"]
`;

function rootfsEntries(): TarEntry[] {
    const entries: TarEntry[] = [{ name: "redis_exporter", data: fs.readFileSync(fs.realpathSync(BINARY)), mode: 0o755 }];
    for (const lib of sharedLibraries(BINARY).sort())
        entries.push({ name: lib.slice(1), data: fs.readFileSync(fs.realpathSync(lib)), mode: 0o755 });
    return entries;
}

const built = new Map<Docker, Promise<string>>();

/** The tag of the test exporter image on `docker` (default the one client), built there first if absent. */
export function ensureExporterImage(docker: Docker = dockerClient()): Promise<string> {
    let p = built.get(docker);
    if (p) return p;
    p = (async () => {
        if (await imageExists(docker, EXPORTER_IMAGE_TAG)) return EXPORTER_IMAGE_TAG;
        if (!fs.existsSync(BINARY)) throw new Error(`${BINARY} is missing: apt-get install prometheus-redis-exporter`);
        const context = packTar([
            { name: "Dockerfile", data: Buffer.from(EXPORTER_DOCKERFILE) },
            { name: "rootfs.tar", data: packTar(rootfsEntries()) },
        ]);
        await buildImage({ context, dockerfile: "Dockerfile", tag: EXPORTER_IMAGE_TAG, labels: { [TEST_LABEL]: "1" } }, docker);
        return EXPORTER_IMAGE_TAG;
    })();
    built.set(docker, p);
    p.catch(() => built.delete(docker));
    return p;
}
