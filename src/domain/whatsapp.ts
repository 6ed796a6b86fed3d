/** Dominican area codes (NANP, country code 1). */
const dominicanAreaCodes = ['809', '829', '849'];

/**
 * The wa.me link of a phone number (E.164 digits, no `+`), or null when the number is not usable:
 * a Dominican number written with 10 digits gets the country code 1; a number written with `+` or
 * `00` keeps its own country code; anything else is not guessed.
 */
export function whatsappLink(phone: string | null | undefined): string | null {
  const text = (phone ?? '').trim();
  if (!text) return null;
  const international = /^(\+|00)/.test(text);
  const all = text.replace(/\D/g, '');
  const digits = text.startsWith('00') ? all.slice(2) : all;
  let e164: string | null = null;
  if (international) e164 = digits.length >= 8 && digits.length <= 15 ? digits : null;
  else if (digits.length === 10 && dominicanAreaCodes.includes(digits.slice(0, 3))) e164 = `1${digits}`;
  else if (digits.length === 11 && digits.startsWith('1') && dominicanAreaCodes.includes(digits.slice(1, 4)))
    e164 = digits;
  return e164 ? `https://wa.me/${e164}` : null;
}
