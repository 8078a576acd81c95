import { describe, expect, it } from '@jest/globals';
import type { RubricDefinition } from '@app/config';
import { captionLength, composeCaption, renderTemplate } from './caption-composer.js';

const rubric: RubricDefinition = {
  code: 'umkm',
  name: 'UMKM of The Week',
  hashtags: ['#UMKMofTheWeek', '#MalangKota'],
  slots: { instagram: { day: 2, time: '10:00' }, facebook: { day: 2, time: '10:15' }, x: { day: 2, time: '10:30' } },
  templates: {
    instagram: '{{rubricName}}\n\n{{name}}{{handleMention}} dari {{kelurahan}}\n\n{{description}}\n\n📍 {{address}}\n📞 {{contact}}\n\n{{hashtags}}',
    facebook: '{{name}}\n{{description}}',
    x: '{{rubricName}}: {{name}}{{handleMention}}\n\n{{description}}\n\n{{hashtags}}',
  },
};

const profile = {
  name: 'Keripik Tempe Bu Sri',
  description: 'Keripik tempe renyah khas Malang sejak 1998.',
  kecamatan: 'Blimbing',
  kelurahan: 'Polehan',
  handles: { instagram: 'keripikbusri', x: 'busri_x' },
};

describe('composeCaption', () => {
  it('fills the template and mentions the platform handle', () => {
    const caption = composeCaption(rubric, 'instagram', { ...profile, address: 'Jl. Zebra 1', phone: '+6281234567890' });
    expect(caption.text).toBe(
      'UMKM of The Week\n\nKeripik Tempe Bu Sri (@keripikbusri) dari Polehan\n\nKeripik tempe renyah khas Malang sejak 1998.\n\n📍 Jl. Zebra 1\n📞 +6281234567890\n\n#UMKMofTheWeek #MalangKota',
    );
  });

  it('leaves no dangling label or empty line for missing optional fields', () => {
    const caption = composeCaption(rubric, 'instagram', profile);
    expect(caption.text).not.toContain('📍');
    expect(caption.text).not.toContain('📞');
    expect(caption.text).not.toMatch(/\n\n\n/);
    expect(caption.text.endsWith('#UMKMofTheWeek #MalangKota')).toBe(true);
  });

  it('keeps X within 280 weighted characters by shortening only the description', () => {
    const long = 'Sambal bawang pedas buatan rumahan yang sudah terkenal di seluruh Malang Raya. '.repeat(8);
    const caption = composeCaption(rubric, 'x', { ...profile, description: long });
    expect(caption.shortened).toBe(true);
    expect(caption.length).toBeLessThanOrEqual(280);
    expect(caption.length).toBe(captionLength('x', caption.text));
    expect(caption.text).toContain('(@busri_x)');
    expect(caption.text.endsWith('#UMKMofTheWeek #MalangKota')).toBe(true);
    expect(caption.text).not.toMatch(/\S{30,}/);
  });

  it('counts CJK and emoji as two on X', () => {
    expect(captionLength('x', '日本')).toBe(4);
    expect(captionLength('instagram', '日本')).toBe(2);
  });
});

describe('renderTemplate', () => {
  it('keeps a line when at least one placeholder has a value', () => {
    expect(renderTemplate('{{a}}{{b}} x\n{{c}}', { a: 'A', b: '', c: '' })).toBe('A x');
  });
});
