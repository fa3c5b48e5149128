// docker:index/image:Image, built locally with the classic builder (no registry to push to or
// pull from), its paths resolved as pulumi-docker resolves them.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { TEST_LABEL } from "../docker";
import { buildFromDirectory, contextTar } from "../image";
import { Inputs } from "./inputs";
import type { Handler } from "./types";

interface Build {
    /** As given, relative to the program's cwd. */
    context: string;
    dockerfile: string;
    /** Resolved against the program's cwd, as pulumi-docker does (filepath.Abs). */
    contextAbs: string;
    dockerfileAbs: string;
    buildArgs?: Record<string, string>;
    platform?: string;
    target?: string;
}

/** The `build` input, read strictly; throws for what needs a registry or BuildKit. */
function readBuild(inp: Inputs, cwd: string): Build {
    const b = inp.nested("build") ?? inp.fail("build", "is required (no registry to pull from)");
    const context = b.str("context") ?? ".";
    const dockerfile = b.str("dockerfile") ?? path.posix.join(context, "Dockerfile");
    const dockerfileAbs = path.resolve(cwd, dockerfile);
    const builder = b.str("builderVersion");
    if (builder !== "BuilderV1") {
        b.fail(
            "builderVersion",
            `must be "BuilderV1": unset means BuildKit, which this backend can't drive (no buildx or BuildKit session here) (got ${JSON.stringify(builder)})`,
        );
    }
    const read = {
        context,
        dockerfile,
        contextAbs: path.resolve(cwd, context),
        dockerfileAbs,
        buildArgs: b.strMap("args"),
        platform: b.str("platform"),
        target: b.str("target"),
    };
    const cacheFrom = b.nested("cacheFrom");
    if (cacheFrom) {
        const images = cacheFrom.strs("images");
        cacheFrom.finish();
        if (images) b.fail("cacheFrom.images", "is not supported by the live backend (no registry to pull caches from)");
    }
    b.finish();
    if (!fs.existsSync(dockerfileAbs) && fs.existsSync(path.resolve(cwd, context, dockerfile))) {
        b.fail(
            "dockerfile",
            `${dockerfile} does not exist relative to the program's cwd (${cwd}); pulumi-docker resolves it there, not inside the context`,
        );
    }
    return read;
}

export const createImage: Handler = async (ctx, { where, type, name, raw }) => {
    const inp = new Inputs(where, raw);
    const imageName = inp.str("imageName") ?? inp.fail("imageName", "is required");
    if (inp.bool("skipPush") !== true) {
        inp.fail("skipPush", "must be true: pushing needs a registry and there is none here");
    }
    inp.harmless("buildOnPreview");
    if (inp.nested("registry")) inp.fail("registry", "is not supported by the live backend (no registry here)");
    const build = readBuild(inp, ctx.cwd);
    inp.finish();
    const { imageId, relDockerfile } = await buildFromDirectory(
        {
            context: build.contextAbs,
            dockerfile: build.dockerfileAbs,
            tag: imageName,
            buildArgs: build.buildArgs,
            labels: { [TEST_LABEL]: ctx.testLabel },
            platform: build.platform,
            target: build.target,
        },
        ctx.docker,
    );
    ctx.record({ type, name, id: imageName }, async () => {
        /* images are kept; removeTestImages() clears them */
    });
    return {
        id: imageName,
        state: {
            ...raw,
            imageName,
            baseImageName: imageName,
            context: build.context,
            dockerfile: relDockerfile,
            platform: build.platform,
            registryServer: "",
            repoDigest: imageId,
        },
    };
};

/**
 * The build's contextDigest, as pulumi-docker's Check adds it: a hash over the Dockerfile and
 * the context files the build sends, .dockerignore applied (pulumi/pulumi-docker@237b7899 provider/provider.go:544-649).
 * Here, a sha256 of the very context tar the build sends (mtimes are 0 in it).
 */
export function buildDigest(cwd: string, raw: Record<string, unknown>): string {
    const build = (raw.build ?? {}) as { context?: string; dockerfile?: string };
    const context = build.context ?? ".";
    const dockerfile = path.resolve(cwd, build.dockerfile ?? path.posix.join(context, "Dockerfile"));
    const ctx = contextTar(path.resolve(cwd, context), dockerfile);
    // A Dockerfile from outside the context goes in under a random name: hash it without the name.
    const tar =
        ctx.dockerfile === ctx.relDockerfile ? ctx.tar : Buffer.from(ctx.tar.toString("latin1").split(ctx.dockerfile).join(""), "latin1");
    return crypto.createHash("sha256").update(tar).update(fs.readFileSync(dockerfile)).digest("hex");
}
