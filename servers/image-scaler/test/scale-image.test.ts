import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { scaleImage } from '../src/scale/scale-image.ts';
import { parseImageQuery } from '../src/request/query.ts';
import { badSources, renderImage } from '../src/corpus/corpus.ts';
import { ImageTooLargeError, UndecodableImageError, UnsupportedImageError } from '../src/errors.ts';

const source = await renderImage({ name: 'l.jpg', width: 640, height: 480, format: 'jpeg', seed: 9 });
const bad = await badSources();

async function decoded(bytes: Uint8Array) {
  return sharp(bytes).metadata();
}

test('every fit gives the size it promises', async () => {
  const cover = await scaleImage(source, parseImageQuery('/images/l.jpg?w=200&h=200&fit=cover'));
  assert.deepEqual([cover.width, cover.height], [200, 200]);
  const contain = await scaleImage(source, parseImageQuery('/images/l.jpg?w=200&h=200&fit=contain&format=png'));
  assert.deepEqual([contain.width, contain.height], [200, 200]);
  const inside = await scaleImage(source, parseImageQuery('/images/l.jpg?w=200&h=200&fit=inside'));
  assert.deepEqual([inside.width, inside.height], [200, 150]);
  const widthOnly = await scaleImage(source, parseImageQuery('/images/l.jpg?w=320'));
  assert.deepEqual([widthOnly.width, widthOnly.height], [320, 240]);
  const meta = await decoded(inside.bytes);
  assert.deepEqual([meta.width, meta.height], [200, 150]);
});

test('every output format is really produced, with its content type', async () => {
  const expected = { jpeg: ['jpeg', 'image/jpeg'], webp: ['webp', 'image/webp'], png: ['png', 'image/png'], avif: ['heif', 'image/avif'] };
  for (const [format, [decodedAs, contentType]] of Object.entries(expected)) {
    const out = await scaleImage(source, parseImageQuery(`/images/l.jpg?w=64&h=48&format=${format}`));
    assert.equal(out.contentType, contentType);
    const meta = await decoded(out.bytes);
    assert.equal(meta.format, decodedAs, format);
    assert.deepEqual([meta.width, meta.height], [64, 48]);
  }
});

test('quality changes the bytes; the ETag follows the bytes', async () => {
  const low = await scaleImage(source, parseImageQuery('/images/l.jpg?w=300&q=10'));
  const high = await scaleImage(source, parseImageQuery('/images/l.jpg?w=300&q=95'));
  assert.ok(low.bytes.length < high.bytes.length);
  assert.notEqual(low.etag, high.etag);
  const again = await scaleImage(source, parseImageQuery('/images/l.jpg?w=300&q=10'));
  assert.equal(again.etag, low.etag);
});

test('bad sources fail with the right error', async () => {
  const query = parseImageQuery('/images/x?w=10');
  await assert.rejects(scaleImage(bad['not-an-image.jpg']!, query), UnsupportedImageError);
  await assert.rejects(scaleImage(bad['vector.svg']!, query), UnsupportedImageError);
  await assert.rejects(scaleImage(bad['corrupt.jpg']!, query), UndecodableImageError);
  await assert.rejects(scaleImage(bad['truncated.jpg']!, query), UndecodableImageError);
});

test('a decompression bomb is refused from its header, before decoding', async () => {
  const before = process.memoryUsage().rss;
  await assert.rejects(scaleImage(bad['bomb.png']!, parseImageQuery('/images/x?w=10')), ImageTooLargeError);
  // 20000 x 20000 decoded would be 400 MB; refusing from the header costs almost nothing.
  assert.ok(process.memoryUsage().rss - before < 100 * 1024 * 1024);
  // A lower limit applies to ordinary images too.
  await assert.rejects(scaleImage(source, parseImageQuery('/images/x?w=10'), { maxInputPixels: 640 * 480 - 1 }), ImageTooLargeError);
});
