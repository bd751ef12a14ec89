import {
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { type StoredUpload, UPLOADER_METADATA } from '#domain/attachments.ts';
import { s3 } from './clients.ts';

/**
 * What is stored under an upload key of the attachments bucket (HeadObject), or undefined when
 * nothing is. Apart from adapters/files.ts so that opening a complaint does not load the
 * presigner. Without s3:ListBucket, S3 answers a missing key with 403, not 404: both mean
 * "never uploaded" to a function that may read every key of the prefix.
 */
export async function storedUpload(bucket: string, key: string): Promise<StoredUpload | undefined> {
  try {
    const head = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return {
      size: head.ContentLength ?? 0,
      contentType: head.ContentType ?? '',
      ...(head.Metadata?.uploader ? { uploader: head.Metadata.uploader } : {}),
    };
  } catch (error) {
    if (error instanceof NotFound) return undefined;
    const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
    if (status === 404 || status === 403) return undefined;
    throw error;
  }
}

/**
 * What is stored under an upload key, with its bytes (GetObject), or undefined when nothing is
 * (403 as 404, as above): a register file staff uploaded to import. At most `maxBytes` are read;
 * a larger object is answered by its size alone.
 */
export async function readUpload(
  bucket: string,
  key: string,
  maxBytes: number,
): Promise<(StoredUpload & { readonly body?: Buffer }) | undefined> {
  try {
    const object = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const size = object.ContentLength ?? 0;
    const stored = {
      size,
      contentType: object.ContentType ?? '',
      ...(object.Metadata?.uploader ? { uploader: object.Metadata.uploader } : {}),
    };
    if (size > maxBytes) {
      await object.Body?.transformToWebStream().cancel();
      return stored;
    }
    return { ...stored, body: Buffer.from((await object.Body?.transformToByteArray()) ?? []) };
  } catch (error) {
    if (error instanceof NoSuchKey || error instanceof NotFound) return undefined;
    const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
    if (status === 404 || status === 403) return undefined;
    throw error;
  }
}

/**
 * Stores a file a function was sent itself (a register file sent as the request's body) under
 * an upload key, as a presigned upload would have: its type, and whose it is.
 */
export async function storeUpload(
  bucket: string,
  key: string,
  file: { readonly body: Buffer; readonly contentType: string; readonly uploader: string },
): Promise<void> {
  await s3().send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: file.body,
      ContentType: file.contentType,
      Metadata: { [UPLOADER_METADATA]: file.uploader },
    }),
  );
}
