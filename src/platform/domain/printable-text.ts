/**
 * Control characters, the line and paragraph separators (a line break outside `\n`), and the
 * bidirectional controls that make a name read as another.
 */
const UNPRINTABLE = /[\p{Cc}\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** Format characters (zero-width space, joiners, byte order mark): present, but never seen. */
const INVISIBLE = /\p{Cf}/gu;

/** `value` as a reader sees it: without its invisible format characters (for "same name?"). */
export const asSeen = (value: string): string => value.replace(INVISIBLE, '');

/**
 * What shows nothing on its own: marks with nothing to mark (variation selectors among them), and
 * the Hangul fillers and the braille blank, drawn as space.
 */
const BLANK = /[\p{M}\u115f\u1160\u3164\uffa0\u2800]/gu;

/**
 * Whether `value` shows anything at all: not only spaces, invisible format characters and blanks.
 */
export const showsAnything = (value: string): boolean =>
  /\S/u.test(asSeen(value).replace(BLANK, ''));

/**
 * Whether `value` holds no control or text-direction character: what a name shown to another
 * tenant (pages, audit summaries) may hold (R60).
 */
export const isPrintable = (value: string): boolean => !UNPRINTABLE.test(value);

/**
 * Whether `value` holds more than `max` characters as a reader counts them: code points, so 😀 or
 * 𠀀 is one (two UTF-16 units, which `length` counts). Counted only where the units leave it open.
 */
export const hasMoreCharactersThan = (value: string, max: number): boolean =>
  value.length > max && (value.length > 2 * max || [...value].length > max);

/** The same for a text of several lines (a description): line breaks and tabs are its own. */
export const isPrintableText = (value: string): boolean =>
  isPrintable(value.replace(/[\n\r\t]/g, ''));

/**
 * `text` with each control or text-direction character but the line break written as its `\uXXXX`
 * escape: for echoing input to a terminal, where an escape sequence would act instead of show.
 */
export const escapeUnprintable = (text: string): string =>
  text.replace(new RegExp(UNPRINTABLE.source, 'gu'), (character) =>
    character === '\n'
      ? character
      : `\\u${character.codePointAt(0)!.toString(16).padStart(4, '0')}`,
  );
