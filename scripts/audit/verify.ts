import { promises, statSync } from "node:fs";
import { GENESIS, sha256, type Head } from "../../watchdog/core/journal.js";

export type Problem = "edited" | "deleted" | "inserted" | "reordered" | "invalid" | "head-mismatch" | "head-missing";

export interface Issue {
  line: number;
  problem: Problem;
  detail: string;
}

export interface VerifySummary {
  ok: boolean;
  lines: number;
  records: number;
  firstAt: number | null;
  lastAt: number | null;
  kinds: Record<string, number>;
  trips: number;
  resumes: number;
  tornSealed: number;
  /** A torn last line a crash left, that the next writer will seal: a note, not tampering. */
  tornAtEnd: boolean;
  head: Head | null;
  issues: Issue[];
  notes: string[];
}

export interface ExpectHead {
  seq: number;
  hashPrefix: string;
}

export function parseExpectHead(s: string): ExpectHead | null {
  const m = /^(\d+):([0-9a-f]{8,64})$/i.exec(s.trim());
  return m ? { seq: Number(m[1]), hashPrefix: m[2]!.toLowerCase() } : null;
}

interface Rec {
  seq: number;
  prev: string;
  at: number;
  kind: string;
  tornBytes?: unknown;
  prevRecord?: unknown;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Schema of a chained record: the file contract's fields plus seq and prev. A prev equal
 * to the hash we expect is hex by construction: the pattern runs only on the others
 * (a third of verify's time on an intact log went to it).
 */
function asRecord(bytes: Buffer, expectedPrev: string): Rec | null {
  let r: unknown;
  try {
    r = JSON.parse(bytes.toString("utf8"));
  } catch {
    return null;
  }
  if (typeof r !== "object" || r === null || Array.isArray(r)) return null;
  const o = r as Record<string, unknown>;
  if (!Number.isInteger(o.seq) || (o.seq as number) < 1) return null;
  if (typeof o.prev !== "string" || (o.prev !== expectedPrev && !HEX64.test(o.prev))) return null;
  if (typeof o.at !== "number" || !Number.isFinite(o.at) || typeof o.iso !== "string" || typeof o.kind !== "string") return null;
  if (!(typeof o.cycle === "string" || o.cycle === null)) return null;
  return o as unknown as Rec;
}

/**
 * Checks a hash-chained log one line at a time, in constant memory: every line's
 * schema, the sequence, and that each record's `prev` is the SHA-256 of the line
 * before it. The first problem is classified (edited, deleted, inserted, reordered,
 * invalid) with its line number.
 */
export class ChainVerifier {
  private lineNo = 0;
  private lastSeq = 0;
  private prevHash = GENESIS;
  private prevPrevHash: string | null = null;
  private pendingTorn: { line: number; hash: string; len: number; before: string } | null = null;
  /** A seq that went backwards waits one line: the next line tells an insertion from a swap. */
  private back: { line: number; seq: number; last: number; beforeHash: string } | null = null;
  /** A seq gap waits one line: the next line tells a deletion from a swap. */
  private gap: { line: number; from: number; to: number } | null = null;
  private headSeen = false;
  readonly s: VerifySummary = { ok: true, lines: 0, records: 0, firstAt: null, lastAt: null, kinds: {}, trips: 0, resumes: 0, tornSealed: 0, tornAtEnd: false, head: null, issues: [], notes: [] };

  constructor(private readonly expect: ExpectHead | null = null) {}

  private issue(line: number, problem: Problem, detail: string): void {
    this.s.ok = false;
    if (this.s.issues.length < 20) this.s.issues.push({ line, problem, detail });
  }

  push(bytes: Buffer): void {
    const n = ++this.lineNo;
    this.s.lines = n;
    const h = sha256(bytes);
    const rec = asRecord(bytes, this.prevHash);
    if (!rec) {
      if (this.pendingTorn) this.issue(this.pendingTorn.line, "invalid", `line ${this.pendingTorn.line} is not a valid record and no torn-line seal follows it (edited or corrupted)`);
      this.pendingTorn = { line: n, hash: h, len: bytes.length, before: this.prevHash };
      this.prevPrevHash = this.prevHash;
      this.prevHash = h;
      return;
    }
    if (this.gap) {
      const g = this.gap;
      this.gap = null;
      if (rec.seq === g.from + 1) this.issue(g.line, "reordered", `line ${g.line} is out of order: seq ${g.to} comes before seq ${rec.seq}`);
      else this.issue(g.line, "deleted", `${g.to - g.from - 1} record(s) missing before line ${g.line}: seq jumps from ${g.from} to ${g.to}`);
    }
    if (this.back) {
      const b = this.back;
      this.back = null;
      if (rec.seq === b.last + 1 && rec.prev === b.beforeHash) {
        this.issue(b.line, "inserted", `line ${b.line} was inserted: line ${n} continues the chain from line ${b.line - 1}`);
        // Resynchronise on the real chain, as if the inserted line were not there.
        this.lastSeq = b.last;
      } else this.issue(b.line, "reordered", `line ${b.line} is out of order: seq ${b.seq} after seq ${b.last}`);
    }
    if (this.pendingTorn) {
      const t = this.pendingTorn;
      this.pendingTorn = null;
      if (rec.kind === "torn-line-sealed" && rec.prev === t.hash && rec.tornBytes === t.len && rec.seq === this.lastSeq + 1 && rec.prevRecord === t.before) {
        this.s.tornSealed++;
        this.s.notes.push(`line ${t.line} is a torn line (a crash mid-write), sealed at line ${n}`);
      } else {
        this.issue(t.line, "invalid", `line ${t.line} is not a valid record and no torn-line seal follows it (edited or corrupted)`);
      }
    } else if (rec.seq === this.lastSeq + 1) {
      if (rec.prev !== this.prevHash)
        this.issue(
          Math.max(1, n - 1),
          n === 1 ? "deleted" : "edited",
          n === 1 ? "line 1 does not start the chain (its prev is not the genesis hash): the start of the log was cut" : `line ${n - 1} was changed after it was written: its SHA-256 does not match line ${n}'s prev`,
        );
    } else if (rec.seq > this.lastSeq + 1) {
      this.gap = { line: n, from: this.lastSeq, to: rec.seq };
    } else if (rec.seq === this.lastSeq && rec.prev === this.prevPrevHash) {
      this.issue(n - 1, "inserted", `line ${n - 1} was inserted: line ${n} continues the chain from line ${n - 2}`);
    } else {
      this.back = { line: n, seq: rec.seq, last: this.lastSeq, beforeHash: this.prevHash };
    }
    if (this.expect && rec.seq === this.expect.seq) {
      this.headSeen = true;
      if (!h.startsWith(this.expect.hashPrefix))
        this.issue(n, "head-mismatch", `line ${n} (seq ${rec.seq}) has hash ${h.slice(0, 16)}, not the ${this.expect.hashPrefix} that was sent: the log was rewritten`);
    }
    this.lastSeq = rec.seq;
    this.prevPrevHash = this.prevHash;
    this.prevHash = h;
    this.s.records++;
    this.s.firstAt ??= rec.at;
    this.s.lastAt = rec.at;
    this.s.kinds[rec.kind] = (this.s.kinds[rec.kind] ?? 0) + 1;
    if (rec.kind === "trip") this.s.trips++;
    if (rec.kind === "resume") this.s.resumes++;
    this.s.head = { seq: rec.seq, hash: h };
  }

  finish(endsWithNewline: boolean): VerifySummary {
    if (this.back) {
      const b = this.back;
      this.back = null;
      this.issue(b.line, "reordered", `line ${b.line} is out of order: seq ${b.seq} after seq ${b.last}`);
    }
    if (this.gap) {
      const g = this.gap;
      this.gap = null;
      this.issue(g.line, "deleted", `${g.to - g.from - 1} record(s) missing before line ${g.line}: seq jumps from ${g.from} to ${g.to}`);
    }
    if (this.pendingTorn) {
      if (!endsWithNewline && this.pendingTorn.line === this.lineNo) {
        this.s.tornAtEnd = true;
        this.s.notes.push(`the last line (${this.lineNo}) is torn: a crash mid-write; the next writer seals it`);
      } else this.issue(this.pendingTorn.line, "invalid", `line ${this.pendingTorn.line} is not a valid record and no torn-line seal follows it (edited or corrupted)`);
    }
    if (this.expect && !this.headSeen)
      this.issue(this.lineNo, "head-missing", `no record with seq ${this.expect.seq}: the log was truncated or rewritten since that head was sent`);
    return this.s;
  }
}

/**
 * Streams a file through the verifier with large reads into one reused buffer: constant
 * memory whatever the size. (A fresh 1 MB buffer per read, as a read stream makes, lets
 * tens of MB of spent buffers wait for the garbage collector.) The verifier never keeps
 * the bytes it is given, so lines can be views into the buffer.
 */
export async function verifyFile(path: string, expect: ExpectHead | null, onProgress?: (done: number, total: number) => void): Promise<VerifySummary> {
  const total = statSync(path).size;
  const v = new ChainVerifier(expect);
  const buf = Buffer.allocUnsafe(1 << 20);
  let have = 0; // bytes of an unfinished line at the start of buf
  let long: Buffer[] | null = null; // the start of a line longer than buf
  let done = 0;
  let lastByte = 0x0a;
  const fh = await promises.open(path, "r");
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, have, buf.length - have, null);
      if (bytesRead === 0) break;
      done += bytesRead;
      const end = have + bytesRead;
      lastByte = buf[end - 1]!;
      const view = buf.subarray(0, end);
      let start = 0;
      for (let nl = view.indexOf(0x0a, have); nl >= 0; nl = view.indexOf(0x0a, start)) {
        const part = view.subarray(start, nl);
        v.push(long ? Buffer.concat([...long, part]) : part);
        long = null;
        start = nl + 1;
      }
      if (start === 0 && end === buf.length) {
        (long ??= []).push(Buffer.from(buf));
        have = 0;
      } else {
        buf.copyWithin(0, start, end);
        have = end - start;
      }
      onProgress?.(done, total);
    }
  } finally {
    await fh.close();
  }
  if (have > 0 || long) v.push(long ? Buffer.concat([...long, buf.subarray(0, have)]) : buf.subarray(0, have));
  return v.finish(lastByte === 0x0a);
}
