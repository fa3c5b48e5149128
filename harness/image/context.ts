// Build contexts from a directory, the way the docker CLI and pulumi-docker make them: the
// directory as a tar, minus what its .dockerignore excludes.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { packTar, TarEntry } from "./tar";

interface IgnorePattern {
    regex: RegExp;
    exclusion: boolean;
}

/** Compiles one .dockerignore pattern the way moby's patternmatcher does. */
function compilePattern(raw: string): IgnorePattern | undefined {
    let p = raw.trim();
    if (p === "" || p.startsWith("#")) return undefined;
    const exclusion = p.startsWith("!");
    if (exclusion) p = p.slice(1).trim();
    p = path.posix.normalize(p).replace(/^\/+/, "");
    if (p === "." || p === "") p = "**";
    let re = "^";
    for (let i = 0; i < p.length; i++) {
        const ch = p[i]!;
        if (ch === "*") {
            if (p[i + 1] === "*") {
                i++;
                if (p[i + 1] === "/") i++;
                re += i + 1 >= p.length ? ".*" : "(.*/)?";
            } else {
                re += "[^/]*";
            }
        } else if (ch === "?") {
            re += "[^/]";
        } else if (ch === "\\" && i + 1 < p.length) {
            re += "\\" + p[++i];
        } else if (ch === "[") {
            const end = p.indexOf("]", i + 1);
            if (end < 0) throw new Error(`.dockerignore pattern "${raw}": unterminated [`);
            re += "[" + p.slice(i + 1, end).replace(/^!/, "^") + "]";
            i = end;
        } else {
            re += ch.replace(/[.+^${}()|/]/g, (c) => "\\" + c);
        }
    }
    return { regex: new RegExp(re + "$"), exclusion };
}

function isExcluded(rel: string, patterns: IgnorePattern[]): boolean {
    // A pattern matches a path or any of its parent directories; the last match wins.
    const parts = rel.split("/");
    const candidates = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
    let excluded = false;
    for (const pat of patterns) {
        if (candidates.some((c) => pat.regex.test(c))) excluded = !pat.exclusion;
    }
    return excluded;
}

/** A build context as a tar, as the docker CLI would send it. */
export interface ContextTar {
    /** The tar. */
    tar: Buffer;
    /** Dockerfile path inside the tar. */
    dockerfile: string;
    /** Dockerfile path relative to the context, as pulumi-docker reports it. */
    relDockerfile: string;
}

/**
 * Tars contextDir minus its ignore file's patterns, like pulumi-docker: the ignore
 * file is `.dockerignore` for a Dockerfile named "Dockerfile", else `<name>.dockerignore`;
 * the Dockerfile and ignore file are always sent; a Dockerfile outside the context
 * is added under a generated name. Owners are 0, as the CLI sends them.
 */
export function contextTar(contextDir: string, dockerfilePath: string): ContextTar {
    const ctx = path.resolve(contextDir);
    const dockerfileAbs = path.resolve(dockerfilePath);
    if (!fs.statSync(ctx).isDirectory()) throw new Error(`build context ${contextDir} is not a directory`);
    if (!fs.existsSync(dockerfileAbs)) throw new Error(`Dockerfile ${dockerfilePath} does not exist`);
    const relDockerfile = path.relative(ctx, dockerfileAbs).split(path.sep).join("/");
    const inContext = !relDockerfile.startsWith("../");
    const base = path.basename(dockerfileAbs);
    const ignoreName = base === "Dockerfile" ? ".dockerignore" : `${base}.dockerignore`;
    const ignoreFile = path.join(ctx, ignoreName);
    const patterns = fs.existsSync(ignoreFile)
        ? fs
              .readFileSync(ignoreFile, "utf8")
              .split(/\r?\n/)
              .map(compilePattern)
              .filter((p): p is IgnorePattern => p !== undefined)
        : [];
    const alwaysSent = new Set([ignoreName, ...(inContext ? [relDockerfile] : [])]);
    const mayReinclude = patterns.some((p) => p.exclusion);
    const entries: TarEntry[] = [];
    const walk = (dirAbs: string, dirRel: string): void => {
        for (const name of fs.readdirSync(dirAbs).sort()) {
            const abs = path.join(dirAbs, name);
            const rel = dirRel === "" ? name : `${dirRel}/${name}`;
            const st = fs.lstatSync(abs);
            const excluded = !alwaysSent.has(rel) && isExcluded(rel, patterns);
            if (st.isDirectory()) {
                if (excluded && !mayReinclude) continue;
                if (!excluded) entries.push({ name: rel, type: "dir", mode: st.mode });
                walk(abs, rel);
            } else if (excluded) {
                continue;
            } else if (st.isFile()) {
                entries.push({ name: rel, data: fs.readFileSync(abs), mode: st.mode });
            } else if (st.isSymbolicLink()) {
                entries.push({ name: rel, type: "symlink", linkname: fs.readlinkSync(abs) });
            } else {
                throw new Error(`build context ${contextDir}: ${rel} is neither file, directory nor symlink`);
            }
        }
    };
    walk(ctx, "");
    let dockerfile = relDockerfile;
    if (!inContext) {
        dockerfile = `.dockerfile.${crypto.randomBytes(10).toString("hex")}`;
        entries.push({ name: dockerfile, data: fs.readFileSync(dockerfileAbs) });
    }
    return { tar: packTar(entries), dockerfile, relDockerfile };
}
