import { type PhoneNumber, parsePhoneNumberFromString } from 'libphonenumber-js/core';
// The metadata as a JS module: the package's default entry imports JSON, which Jest warns about on every import.
import metadata from 'libphonenumber-js/max/metadata';

/** Parses a phone number; without a leading + it is read as Indonesian when `defaultCountry` is 'ID'. */
export function parsePhone(value: string, defaultCountry?: 'ID'): PhoneNumber | undefined {
  return parsePhoneNumberFromString(value, defaultCountry ? { defaultCountry } : {}, metadata);
}
