// A minimal in-memory tar writer (ustar, with PAX headers for long names). Build contexts and
// container uploads need exact modes and owners in the headers, which a tar of files on disk
// can't give without chown.

/** One entry of a tar archive. */
export interface TarEntry {
    /** Path inside the archive, relative, "/"-separated. Directories may end in "/". */
    name: string;
    /** "file" (default), "dir" or "symlink". */
    type?: "file" | "dir" | "symlink";
    /** Target of a symlink. */
    linkname?: string;
    /** Content of a file. */
    data?: Buffer;
    /** Permission bits, e.g. 0o644. Default 0o644 for files, 0o755 for directories. */
    mode?: number;
    /** Numeric owner. Default 0. */
    uid?: number;
    /** Numeric group. Default 0. */
    gid?: number;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
    // width includes the trailing NUL.
    return value.toString(8).padStart(width - 1, "0") + "\0";
}

function header(name: string, size: number, typeflag: string, mode: number, uid: number, gid: number, linkname = ""): Buffer {
    const h = Buffer.alloc(BLOCK, 0);
    let prefix = "";
    let base = name;
    if (Buffer.byteLength(name) > 100) {
        // ustar splits long names at a "/" into prefix (155) and name (100).
        const cut = name.lastIndexOf("/", 155);
        if (cut > 0 && Buffer.byteLength(name.slice(cut + 1)) <= 100 && Buffer.byteLength(name.slice(0, cut)) <= 155) {
            prefix = name.slice(0, cut);
            base = name.slice(cut + 1);
        } else {
            base = name.slice(0, 100); // the PAX header written before this one carries the real name
        }
    }
    h.write(base, 0, 100, "utf8");
    h.write(octal(mode & 0o7777, 8), 100, "ascii");
    h.write(octal(uid, 8), 108, "ascii");
    h.write(octal(gid, 8), 116, "ascii");
    h.write(octal(size, 12), 124, "ascii");
    h.write(octal(0, 12), 136, "ascii"); // mtime 0: builds from the same inputs are identical
    h.fill(" ", 148, 156); // checksum field counts as spaces while summing
    h.write(typeflag, 156, "ascii");
    if (Buffer.byteLength(linkname) > 100) throw new Error(`tar: symlink target too long: ${linkname}`);
    h.write(linkname, 157, 100, "utf8");
    h.write("ustar\0", 257, "ascii");
    h.write("00", 263, "ascii");
    h.write(prefix, 345, 155, "utf8");
    let sum = 0;
    for (const byte of h) sum += byte;
    h.write(octal(sum, 7) + " ", 148, "ascii");
    return h;
}

function pad(size: number): Buffer {
    const rest = size % BLOCK;
    return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest, 0);
}

function paxRecord(key: string, value: string): string {
    // "<len> key=value\n" where len counts itself.
    const body = ` ${key}=${value}\n`;
    let len = Buffer.byteLength(body) + 1;
    while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
    return `${len}${body}`;
}

/** Packs entries into an uncompressed tar archive. */
export function packTar(entries: TarEntry[]): Buffer {
    const parts: Buffer[] = [];
    for (const e of entries) {
        const type = e.type ?? "file";
        let name = e.name.replace(/^\/+/, "");
        if (type === "dir" && !name.endsWith("/")) name += "/";
        const data = type === "file" ? (e.data ?? Buffer.alloc(0)) : Buffer.alloc(0);
        const mode = e.mode ?? (type === "file" ? 0o644 : 0o755);
        const uid = e.uid ?? 0;
        const gid = e.gid ?? 0;
        if (Buffer.byteLength(name) > 100) {
            const pax = Buffer.from(paxRecord("path", name), "utf8");
            parts.push(header("PaxHeader", pax.length, "x", 0o644, 0, 0), pax, pad(pax.length));
        }
        const flag = type === "dir" ? "5" : type === "symlink" ? "2" : "0";
        parts.push(header(name, data.length, flag, mode, uid, gid, e.linkname ?? ""), data, pad(data.length));
    }
    parts.push(Buffer.alloc(BLOCK * 2, 0));
    return Buffer.concat(parts);
}
