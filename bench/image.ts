// The image figures (project image ≤ 1.2× the base, warm rebuild ≤ 1 s): sizes of the base and
// the project image, a cold build (image removed, no cache) and a warm rebuild, both of
// docker/Dockerfile as the component builds it.
import * as path from "path";
import { performance } from "perf_hooks";
import { dockerClient, removeIfPresent, REPO_ROOT, TEST_LABEL } from "../harness/docker";
import { buildFromDirectory } from "../harness/image";
import { LABEL, PROJECT_IMAGE } from "./groups";
import { Stats, stats } from "./stats";

export interface ImageResult {
    base_bytes: number;
    image_bytes: number;
    cold_build_ms: number;
    warm_rebuild_ms: number;
    /** image_bytes / base_bytes. */
    size_ratio: number;
    cold_build_stats: Stats;
    warm_rebuild_stats: Stats;
}

const CONTEXT = path.join(REPO_ROOT, "docker");
const DOCKERFILE = path.join(CONTEXT, "Dockerfile");

/** Removes the project image's tag (the bench's own; other tags of the same id stay). */
export function removeProjectImage(): Promise<void> {
    return removeIfPresent(dockerClient().getImage(PROJECT_IMAGE).remove());
}

/** docker/Dockerfile as the component's docker.Image builds it; `noCache` for the cold build. */
function buildProject(baseImage: string, noCache: boolean): Promise<unknown> {
    return buildFromDirectory({
        context: CONTEXT,
        dockerfile: DOCKERFILE,
        tag: PROJECT_IMAGE,
        buildArgs: { REDIS_BASE_IMAGE: baseImage },
        labels: { [TEST_LABEL]: LABEL },
        noCache,
    });
}

async function sizeOf(tag: string): Promise<number> {
    const info = await dockerClient().getImage(tag).inspect();
    return info.Size;
}

export async function measureImage(baseImage: string, runs: number, log: (s: string) => void): Promise<ImageResult> {
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) {
        await removeProjectImage();
        let t = performance.now();
        await buildProject(baseImage, true);
        cold.push(performance.now() - t);
        t = performance.now();
        await buildProject(baseImage, false);
        warm.push(performance.now() - t);
        log(`image run ${i + 1}/${runs}: cold build ${Math.round(cold.at(-1)!)} ms, warm rebuild ${Math.round(warm.at(-1)!)} ms`);
    }
    const base_bytes = await sizeOf(baseImage);
    const image_bytes = await sizeOf(PROJECT_IMAGE);
    const coldStats = stats(cold, "cold build");
    const warmStats = stats(warm, "warm rebuild");
    return {
        base_bytes,
        image_bytes,
        cold_build_ms: coldStats.median,
        warm_rebuild_ms: warmStats.median,
        size_ratio: Math.round((image_bytes / base_bytes) * 1000) / 1000,
        cold_build_stats: coldStats,
        warm_rebuild_stats: warmStats,
    };
}
