// random:index/randomPassword:RandomPassword, as terraform-provider-random makes one: `length`
// characters drawn from upper- and lower-case letters, digits and, unless `special` is false,
// its default special characters; there is nothing to remove on delete. Every input forces a
// new password (its schema's RequiresReplace), so the update model replaces on any change.
import * as crypto from "crypto";
import { Inputs } from "./inputs";
import type { Handler } from "./types";

export const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";
/** terraform-provider-random's default special characters. */
const SPECIAL = "!@#$%&*()-_=+[]{}<>:?";
const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export const createRandomPassword: Handler = async (ctx, { where, type, name, raw }) => {
    const inp = new Inputs(where, raw);
    const length = inp.num("length");
    const special = inp.bool("special") ?? true;
    inp.finish();
    if (length === undefined || !Number.isInteger(length) || length < 1) {
        return inp.fail("length", `must be a whole number of at least 1, got ${length}`);
    }
    const alphabet = ALPHANUMERIC + (special ? SPECIAL : "");
    const result = Array.from({ length }, () => alphabet[crypto.randomInt(alphabet.length)]).join("");
    ctx.record({ type, name, id: "none" }, async () => undefined);
    return { id: "none", state: { ...raw, special, upper: true, lower: true, numeric: true, result } };
};
