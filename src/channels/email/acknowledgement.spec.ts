import { withReference } from './acknowledgement';
import { REF_IN_SUBJECT } from '../../conversations/ref-token';

const REF = 'K7F-2Q9';

describe('withReference', () => {
  it('answers the conversation subject as "Re: <subject> [#REF]"', () => {
    expect(withReference(null, 'Demande de devis', REF)).toBe('Re: Demande de devis [#K7F-2Q9]');
  });

  it('adds the reference once to a subject given by the caller', () => {
    expect(withReference('Your quote is ready', 'Demande de devis', REF)).toBe('Your quote is ready [#K7F-2Q9]');
  });

  it('keeps a subject that already carries the reference as it is', () => {
    expect(withReference('Re: Demande de devis [#K7F-2Q9]', 'Demande de devis', REF)).toBe('Re: Demande de devis [#K7F-2Q9]');
    expect(withReference(null, 'Re: Demande de devis [#K7F-2Q9]', REF)).toBe('Re: Demande de devis [#K7F-2Q9]');
  });

  it('never stacks "Re:" on a subject that is already a reply', () => {
    for (const subject of ['Re: order 42', 'RE: order 42', 're:order 42', 'Aw: order 42', 'SV: order 42']) {
      expect(withReference(null, subject, REF)).toBe(`${subject} [#K7F-2Q9]`);
    }
  });

  it('prefixes "Re:" to a plain subject', () => {
    expect(withReference(null, 'Order 42 arrived damaged', REF)).toBe('Re: Order 42 arrived damaged [#K7F-2Q9]');
  });

  it('falls back to the conversation subject when the given one is blank', () => {
    expect(withReference('   ', 'Order 42', REF)).toBe('Re: Order 42 [#K7F-2Q9]');
  });

  it('still gives a subject with the reference when the conversation has none', () => {
    const subject = withReference(null, null, REF);
    expect(subject.startsWith('Re:')).toBe(true);
    expect(subject).toContain('[#K7F-2Q9]');
    expect(withReference(undefined, '', REF)).toBe(subject);
  });

  it('trims the subject around the reference', () => {
    expect(withReference('  Your quote  ', null, REF)).toBe('Your quote [#K7F-2Q9]');
  });

  it('produces a subject the threading token pattern reads back', () => {
    for (const subject of [withReference(null, 'Order 42', REF), withReference('Quote ready', null, REF), withReference(null, null, REF)]) {
      expect(REF_IN_SUBJECT.exec(subject)?.[1]).toBe(REF);
    }
  });

  it('adds the current reference even when the subject carries another conversation’s token', () => {
    const subject = withReference(null, 'Re: old case [#ABC-234]', REF);
    expect(subject).toContain('[#K7F-2Q9]');
    expect(subject.match(/\[#K7F-2Q9\]/g)).toHaveLength(1);
  });
});
