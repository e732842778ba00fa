// The backup and restore scripts against a real Postgres: dump the votes, damage them, restore,
// compare. Runs only where a disposable Postgres is given (it drops and recreates the table
// `votes`): BACKUP_TEST_PGPORT (and optionally BACKUP_TEST_PGHOST, user/password postgres), e.g.
//   initdb -D /tmp/pg -U postgres --auth=scram-sha-256 --pwfile=<(echo postgres)
//   pg_ctl -D /tmp/pg -o '-p 55432 -c listen_addresses=127.0.0.1' start
//   BACKUP_TEST_PGPORT=55432 node --import tsx --test test/components/backup-roundtrip.test.ts
// Elsewhere (CI has no database) it is skipped, and says so.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { DUMP_SCRIPT, RESTORE_SCRIPT, pruneScript } from "../../components/voting-app/backup";

const port = process.env["BACKUP_TEST_PGPORT"];
const env = { ...process.env, PGHOST: process.env["BACKUP_TEST_PGHOST"] ?? "127.0.0.1", PGPORT: port ?? "", PGDATABASE: "postgres", PGUSER: "postgres", PGPASSWORD: "postgres" };
const psql = (sql: string) => execFileSync("psql", ["-X", "-q", "-At", "-c", sql], { env, encoding: "utf8" }).trim();
const sh = (script: string, extra: Record<string, string>) => execFileSync("/bin/sh", ["-c", script], { env: { ...env, ...extra }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
/** The restore Job's script on a volume: pick the newest dump, then the same pg_restore lines as every platform. */
const restoreFrom = ["set -eu", 'RESTORE_FILE=$(ls -1 "$DUMP_DIR"/voting-*.dump | tail -n 1)', "export RESTORE_FILE", ...RESTORE_SCRIPT.split("\n").slice(1)].join("\n");
const tally = () => psql("SELECT vote, count(*) FROM votes GROUP BY vote ORDER BY vote");

describe("backup and restore against a real Postgres", { skip: port ? false : "set BACKUP_TEST_PGPORT to a disposable Postgres to run it" }, () => {
  it("restores the votes exactly as dumped after a bad change, and refuses a corrupt dump without touching them", () => {
    // The worker's table (dockersamples worker, Program.cs).
    psql("DROP TABLE IF EXISTS votes; CREATE TABLE votes (id VARCHAR(255) NOT NULL UNIQUE, vote VARCHAR(255) NOT NULL)");
    psql("INSERT INTO votes SELECT 'voter-' || g, CASE WHEN g % 3 = 0 THEN 'b' ELSE 'a' END FROM generate_series(1, 100000) g");
    const before = tally();
    const dir = mkdtempSync(path.join(tmpdir(), "dumps-"));
    assert.match(sh(DUMP_SCRIPT, { DUMP_DIR: dir }), /^dumped voting-\d{8}T\d{6}Z\.dump, \d+ bytes/);
    const [dump] = readdirSync(dir);
    assert.ok(statSync(path.join(dir, dump!)).size < 1024 * 1024, "100,000 votes compress to well under 1 MB");
    psql("DELETE FROM votes WHERE id LIKE 'voter-1%'; UPDATE votes SET vote = 'b'");
    assert.notEqual(tally(), before);
    sh(restoreFrom, { DUMP_DIR: dir });
    assert.equal(tally(), before);
    assert.equal(psql("SELECT count(*) FROM pg_indexes WHERE tablename = 'votes'"), "1", "the UNIQUE constraint the worker relies on");
    writeFileSync(path.join(dir, "voting-99999999T000000Z.dump"), "not a dump");
    assert.throws(() => sh(restoreFrom, { DUMP_DIR: dir }), /valid archive/);
    assert.equal(tally(), before);
  });

  it("prunes dumps older than the retention and keeps the others", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "prune-"));
    const at = (name: string, daysAgo: number) => {
      const f = path.join(dir, name);
      writeFileSync(f, "x");
      const t = new Date(Date.now() - daysAgo * 86400e3);
      utimesSync(f, t, t);
    };
    at("voting-old.dump", 8);
    at("voting-recent.dump", 6);
    at("other.txt", 30);
    sh(pruneScript(7), { DUMP_DIR: dir });
    assert.deepEqual(readdirSync(dir).sort(), ["other.txt", "voting-recent.dump"]);
  });
});
