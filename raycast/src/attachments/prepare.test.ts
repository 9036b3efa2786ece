import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fakeSips } from "../../test/fake-sips";
import { pdfBytes, pngBytes } from "../../test/images";
import { AttachmentTooLargeError, AttachmentUnusableError } from "../failures/errors";
import { describeFailure } from "../failures/describe";
import { imageTools } from "./image-tools";
import { prepareAttachment, sha256 } from "./prepare";

const dir = mkdtempSync(join(tmpdir(), "passerelle-prepare-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function put(name: string, data: Buffer | string): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

describe("prepareAttachment", () => {
  it("sends a PNG within 2,048 px as it is, with its size, hash and a thumbnail", async () => {
    const png = pngBytes(800, 600);
    const sips = fakeSips();
    const attachment = await prepareAttachment(put("small.png", png), { tools: imageTools(sips.run) });
    expect(attachment).toMatchObject({
      name: "small.png",
      kind: "image",
      mimeType: "image/png",
      width: 800,
      height: 600,
    });
    expect(attachment.data.equals(png)).toBe(true);
    expect(attachment.sha256).toBe(sha256(png));
    expect(attachment.thumbnail).toMatch(/^data:image\/jpeg;base64,/);
    // Only the thumbnail was asked of sips.
    expect(sips.calls.map((call) => call.args.slice(0, 6))).toEqual([
      ["-s", "format", "jpeg", "-s", "formatOptions", "60"],
    ]);
  });

  it("asks sips to scale a 4,000 px image down to 2,048 px on its long side, and sends the smaller one", async () => {
    const sips = fakeSips({ aspect: 4000 / 3000 });
    const path = put("wide.png", pngBytes(4000, 3000));
    const attachment = await prepareAttachment(path, { tools: imageTools(sips.run) });
    expect(sips.calls[0].program).toBe("/usr/bin/sips");
    expect(sips.calls[0].args).toEqual(["-s", "format", "png", "-Z", "2048", path, "--out", expect.any(String)]);
    expect(attachment).toMatchObject({
      width: 2048,
      height: 1536,
      scaledFrom: { width: 4000, height: 3000 },
      mimeType: "image/png",
      path,
    });
    expect(attachment.sha256).toBe(sha256(pngBytes(4000, 3000))); // the original's, to know it again later
  });

  it("converts a HEIC photo to JPEG (OpenAI does not read HEIC)", async () => {
    const sips = fakeSips();
    const attachment = await prepareAttachment(put("IMG_0001.HEIC", Buffer.from("not really heic")), {
      tools: imageTools(sips.run),
    });
    expect(sips.calls[0].args.slice(0, 3)).toEqual(["-s", "format", "jpeg"]);
    expect(attachment.mimeType).toBe("image/jpeg");
  });

  it("reads a PDF as a file input and a text file as text, by name or by content", async () => {
    const pdf = await prepareAttachment(put("report.pdf", pdfBytes(5000)));
    expect(pdf).toMatchObject({ kind: "pdf", mimeType: "application/pdf", bytes: 5000 });
    const code = await prepareAttachment(put("main.py", "print('hi')\n"));
    expect(code).toMatchObject({ kind: "text", language: "python" });
    const unnamed = await prepareAttachment(put("NOTES", "plain words, été\n"));
    expect(unnamed).toMatchObject({ kind: "text", language: "" });
  });

  it("refuses a 25 MB file naming it and the limit, without reading it", async () => {
    const path = put("big.pdf", Buffer.alloc(25_000_000));
    const failure = await prepareAttachment(path).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AttachmentTooLargeError);
    expect(failure).toMatchObject({ facts: { fileName: "big.pdf", bytes: 25_000_000, limit: 20_000_000 } });
    expect(describeFailure(failure).message).toMatch(/^It is 25 MB; Passerelle sends files of up to 20 MB\./);
  });

  it("says what is wrong with a folder, a binary file and a file gone", async () => {
    mkdirSync(join(dir, "folder"));
    const reason = (path: string) => prepareAttachment(path).catch((error: AttachmentUnusableError) => error.facts);
    expect(await reason(join(dir, "folder"))).toEqual({ fileName: "folder", reason: "folder" });
    await expect(prepareAttachment(put("app.bin", Buffer.from([0, 1, 2, 0])))).rejects.toBeInstanceOf(
      AttachmentUnusableError,
    );
    expect(await reason(join(dir, "gone.png"))).toEqual({ fileName: "gone.png", reason: "missing" });
  });

  it("still sends an image when sips cannot make its thumbnail", async () => {
    const attachment = await prepareAttachment(put("ok.png", pngBytes(10, 10)), {
      tools: imageTools(fakeSips({ fail: true }).run),
    });
    expect(attachment.thumbnail).toBeUndefined();
    expect(attachment.bytes).toBeGreaterThan(0);
  });
});
