import { describe, expect, it } from '@jest/globals';
import twitterText from 'twitter-text';
import { loadRubrics, loadSettings, type Platform, PLATFORMS, type RubricDefinition } from '@app/config';
import { type CaptionRules, FacebookClient, InstagramClient, XClient } from '@app/platforms';
import { CAPTION_FIELDS, type CaptionProfile, composeCaption, DROP_ORDER } from './caption-composer.js';
import { templateFields } from './caption-template.js';

const settings = loadSettings({ JWT_SECRET: 'x'.repeat(40), TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') }).platforms;
// The rules as the app gets them: from each platform's client.
const RULES: Record<Platform, CaptionRules> = {
  instagram: new InstagramClient(settings).captionRules,
  facebook: new FacebookClient(settings).captionRules,
  x: new XClient(settings).captionRules,
};
const RUBRICS = [...loadRubrics().values()];
const umkm = RUBRICS.find((r) => r.code === 'umkm')!;

const minimal: CaptionProfile = {
  name: 'Warung Bu Tin',
  description: 'Nasi pecel dan rawon dengan sambal khas.',
  products: [],
  address: null,
  kecamatan: 'Klojen',
  kelurahan: 'Oro-oro Dowo',
  phone: null,
  openingHours: null,
  website: null,
  foundingYear: null,
  ekrafSubsector: null,
  handle: null,
};

const maximal: CaptionProfile = {
  name: 'Keripik Tempe Bu Sri',
  description: 'Keripik tempe renyah khas Malang, digoreng setiap pagi tanpa pengawet.\n\nDibuat dari kedelai lokal pilihan.',
  products: [
    { name: 'Keripik tempe 250 g', priceMin: 15000, priceMax: 18000 },
    { name: 'Sambal bawang', priceMin: 10000 },
    { name: 'Paket oleh-oleh', priceMax: 75000 },
    { name: 'Pesanan khusus' },
  ],
  address: 'Jl. Ki Ageng Gribig Gg. 3 No. 12',
  kecamatan: 'Blimbing',
  kelurahan: 'Polehan',
  phone: '+6281234567890',
  openingHours: 'Senin–Sabtu 07.00–17.00 WIB',
  website: 'https://busri.example.id',
  foundingYear: 1975,
  ekrafSubsector: 'Kriya',
  handle: 'keripik.busri',
};

const compose = (platform: Platform, profile: Partial<CaptionProfile> = {}, rubric: RubricDefinition = umkm) =>
  composeCaption(rubric, platform, RULES[platform], { ...maximal, ...profile });
const weighted = (text: string): number => twitterText.parseTweet(text).weightedLength;
/** Words of the input text; a caption may only contain whole ones (plus the ellipsis). */
const wordsOf = (text: string): Set<string> => new Set(text.split(/\s+/).filter(Boolean));

// Labels that may only appear next to a value; with a minimal profile none of them may be left.
const LABELS = ['📍', '🕒', '📞', '🌐', '🔗', '🛍', '🍽', 'Produk', 'Karya &', 'Karya dan', 'Menu', 'Alamat', 'Jam buka', 'Telepon', 'Situs', 'Info lengkap', 'Facebook:', 'bidang', 'sejak', '()', '@'];

describe.each(RUBRICS.flatMap((rubric) => PLATFORMS.map((platform) => [rubric.code, platform, rubric] as const)))('template %s.%s', (_code, platform, rubric) => {
  it('uses only placeholders the composer fills', () => {
    expect(templateFields(rubric.templates[platform]).filter((f) => !(CAPTION_FIELDS as readonly string[]).includes(f))).toEqual([]);
  });

  it('renders a minimal profile without empty lines, dangling labels or leftovers', () => {
    const caption = composeCaption(rubric, platform, RULES[platform], minimal);
    expect(caption.text).not.toMatch(/\n\s*\n\s*\n/);
    expect(caption.text).toBe(caption.text.trim());
    expect(caption.text).not.toMatch(/[ \t]$|^[ \t]| {2}|\{\{|\}\}| [,.!?]|:$/m);
    for (const label of LABELS) expect(caption.text).not.toContain(label);
    expect(caption.text).toContain('Warung Bu Tin');
    expect(caption.text).toContain('Oro-oro Dowo');
    expect(caption.text).toContain(rubric.hashtags.join(' '));
    expect(caption).toMatchObject({ shortened: false, withinLimits: true, changes: [] });
  });

  it('renders a maximal profile with every field and still no blank-line runs', () => {
    const caption = composeCaption(rubric, platform, RULES[platform], maximal);
    expect(caption.text).not.toMatch(/\n\s*\n\s*\n/);
    expect(caption.text).not.toMatch(/[ \t]$| {2}|\{\{|\}\}/m);
    expect(caption.withinLimits).toBe(true);
    expect(caption.length).toBe(RULES[platform].countLength(caption.text));
    expect(caption.text).toContain(rubric.hashtags.join(' '));
    expect(caption.text).toContain(RULES[platform].formatHandle('keripik.busri'));
    if (caption.changes.length === 0) {
      // Everything fits (Instagram, Facebook): every field is there.
      for (const value of ['Jl. Ki Ageng Gribig Gg. 3 No. 12', '0812-3456-7890', 'Senin–Sabtu 07.00–17.00 WIB', 'https://busri.example.id', 'Dibuat dari kedelai lokal pilihan.']) {
        expect(caption.text).toContain(value);
      }
      expect(caption.text).toContain('• Keripik tempe 250 g — Rp15.000–Rp18.000\n• Sambal bawang — mulai Rp10.000\n• Paket oleh-oleh — hingga Rp75.000\n• Pesanan khusus');
    }
  });
});

describe('composeCaption on X', () => {
  const long = 'Sambal bawang pedas buatan rumahan yang sudah terkenal di seluruh Malang Raya. '.repeat(30).slice(0, 2000);

  it('keeps a 2,000-character description within 280 weighted characters, cut at a boundary with an ellipsis', () => {
    const caption = compose('x', { description: long });
    expect(caption.length).toBe(weighted(caption.text));
    expect(weighted(caption.text)).toBeLessThanOrEqual(280);
    expect(caption).toMatchObject({ shortened: true, withinLimits: true, limit: 280 });
    expect(caption.changes[0]).toEqual({ kind: 'description_shortened' });
    expect(caption.text).toContain('(@keripik.busri)');
    expect(caption.text.endsWith(umkm.hashtags.join(' '))).toBe(true);
    expect(caption.text).toMatch(/…\n/);
    const description = caption.text.split('\n\n')[1].replace(/…$/, '');
    expect(long.startsWith(description)).toBe(true);
    expect(long[description.length]).toMatch(/[\s.]/);
  });

  it('drops products before contact, and reports the order it gave things up', () => {
    const caption = compose('x', { description: long });
    expect(caption.text).toContain('📞 0812-3456-7890');
    expect(caption.text).not.toContain('Rp');
    const dropped = caption.changes.flatMap((c) => (c.kind === 'field_dropped' ? [c.field] : []));
    expect(dropped[0]).toBe('products');
    expect(dropped).toEqual(DROP_ORDER.filter((f) => dropped.includes(f)));
  });

  it('counts URLs as 23 and never cuts inside one, a #tag or an @mention', () => {
    const url = `https://contoh.example.id/${'katalog-produk-'.repeat(12)}`;
    const description = Array.from({ length: 40 }, (_, i) => `kata${i} ${url} #Tag${i} @akun_${i}`).join(' ');
    const caption = compose('x', { description, website: `https://busri.example.id/${'a'.repeat(150)}` });
    expect(weighted(caption.text)).toBeLessThanOrEqual(280);
    expect(caption.length).toBe(weighted(caption.text));
    const allowed = wordsOf(`${description} ${caption.text.split('\n\n')[0]} ${umkm.hashtags.join(' ')} 📞 0812-3456-7890 🔗 https://busri.example.id/${'a'.repeat(150)} …`);
    const foreign = [...wordsOf(caption.text.replace(/…/g, ' '))].filter((word) => !allowed.has(word));
    expect(foreign).toEqual([]);
    expect(caption.text).not.toMatch(/\S…\S/);
  });

  it('counts emoji and CJK as two', () => {
    for (const description of ['日本の味。'.repeat(300), '🌶️🔥 pedas '.repeat(200), '辣椒 '.repeat(600)]) {
      const caption = compose('x', { description });
      expect(caption.length).toBe(weighted(caption.text));
      expect(caption.length).toBeLessThanOrEqual(280);
      expect(caption.withinLimits).toBe(true);
    }
    expect(RULES.x.countLength('日本')).toBe(4);
    expect(RULES.instagram.countLength('日本')).toBe(2);
  });

  it('shortens an absurdly long name at a word boundary only as a last resort', () => {
    const name = Array.from({ length: 12 }, () => '漢字漢字漢字漢字漢字').join(' ');
    const caption = compose('x', { name, description: long });
    expect(caption.length).toBeLessThanOrEqual(280);
    expect(caption.changes.map((c) => c.kind)).toContain('name_shortened');
    expect(caption.withinLimits).toBe(true);
  });
});

describe('composeCaption on Instagram', () => {
  const ownerTags = Array.from({ length: 40 }, (_, i) => `#keripik${i}`).join(' ');
  const ownerMentions = Array.from({ length: 25 }, (_, i) => `@teman_${i}`).join(' ');
  const description = `Keripik tempe renyah. Terima kasih untuk ${ownerMentions} yang sudah mampir.\n${ownerTags}`;

  it('drops surplus owner #tags and @mentions, keeping the rubric hashtags and the business mention', () => {
    const caption = compose('instagram', { description });
    expect(caption.hashtags).toBe(30);
    expect(caption.mentions).toBe(20);
    expect(caption.text.match(/#[\p{L}\p{N}_]+/gu)).toHaveLength(30);
    expect(caption.text.endsWith(umkm.hashtags.join(' '))).toBe(true);
    expect(caption.text).toContain('(@keripik.busri)');
    expect(caption.text).toContain('#keripik25');
    expect(caption.text).not.toContain('#keripik26');
    expect(caption.changes).toEqual([
      { kind: 'owner_hashtags_removed', count: 14 },
      { kind: 'owner_mentions_removed', count: 6 },
    ]);
    expect(caption.withinLimits).toBe(true);
  });

  it('keeps 2,200 characters by shortening the description and then dropping lines', () => {
    const products = Array.from({ length: 20 }, (_, i) => ({ name: `Produk olahan tempe nomor ${i} ukuran besar`, priceMin: 10000 + i * 1000 }));
    const caption = compose('instagram', { description: 'Tempe goreng renyah dan gurih. '.repeat(70), products });
    expect(caption.length).toBeLessThanOrEqual(2200);
    expect([...caption.text].length).toBe(caption.length);
    expect(caption.shortened).toBe(true);
    expect(caption.text).toContain('📞 Telepon/WA: 0812-3456-7890');
  });
});

describe('composeCaption', () => {
  it('names the Facebook Page by its address, not an @mention', () => {
    const caption = compose('facebook');
    expect(caption.text).toContain('👍 Facebook: facebook.com/keripik.busri');
    expect(caption.mentions).toBe(0);
  });

  it('is deterministic', () => {
    const description = 'Kalimat panjang tentang keripik. '.repeat(100);
    for (const platform of PLATFORMS) expect(compose(platform, { description })).toEqual(compose(platform, { description }));
  });
});
