// The names Amazon S3 accepts, checked once for every place that takes a bucket.

/** A bucket name as S3 allows it: 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit. */
export const S3_BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The rule of {@link S3_BUCKET_NAME} in words, for error messages. */
export const S3_BUCKET_NAME_RULE = '3 to 63 lowercase letters, digits, "." and "-"';
