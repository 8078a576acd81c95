import { describe, expect, it } from '@jest/globals';
import { renderTemplate, templateFields } from './caption-template.js';

describe('renderTemplate', () => {
  it('drops a line whose placeholders are all empty, with its label', () => {
    expect(renderTemplate('{{a}}{{b}} x\n📞 {{c}}\nakhir', { a: 'A', b: '', c: '' })).toBe('A x\nakhir');
  });

  it('keeps inline section text only when its field has a value', () => {
    const template = '{{name}}{{#mention}} ({{mention}}){{/mention}} dari {{place}}';
    expect(renderTemplate(template, { name: 'Toko', mention: '@toko', place: 'Klojen' })).toBe('Toko (@toko) dari Klojen');
    expect(renderTemplate(template, { name: 'Toko', mention: '', place: 'Klojen' })).toBe('Toko dari Klojen');
  });

  it('supports nested inline sections', () => {
    const template = 'x{{#a}} a={{a}}{{#b}} b={{b}}{{/b}}{{/a}}';
    expect(renderTemplate(template, { a: '1', b: '2' })).toBe('x a=1 b=2');
    expect(renderTemplate(template, { a: '1', b: '' })).toBe('x a=1');
    expect(renderTemplate(template, { a: '', b: '2' })).toBe('x');
  });

  it('wraps whole lines with block sections, any of several fields keeping them', () => {
    const template = 'Judul\n\n{{#list}}\nDaftar:\n{{list}}\n{{/list}}\n\n{{#p|q}}\nInfo:\n{{/p|q}}\nP: {{p}}\nQ: {{q}}\n\nPenutup';
    expect(renderTemplate(template, { list: '• a\n• b', p: '', q: 'isi' })).toBe('Judul\n\nDaftar:\n• a\n• b\n\nInfo:\nQ: isi\n\nPenutup');
    expect(renderTemplate(template, { list: '', p: '', q: '' })).toBe('Judul\n\nPenutup');
  });

  it('collapses blank-line runs, keeps value paragraphs and trims the ends', () => {
    expect(renderTemplate('\n{{a}}\n\n{{b}}\n\n{{c}}\n\n', { a: 'A', b: '', c: 'C1\n\nC2' })).toBe('A\n\nC1\n\nC2');
  });

  it('refuses unbalanced sections, so a broken template fails loudly', () => {
    expect(() => renderTemplate('{{#a}}\nx', { a: '1' })).toThrow(/never closed/);
    expect(() => renderTemplate('x\n{{/a}}', { a: '1' })).toThrow(/closes no open section/);
    expect(() => renderTemplate('x {{#a}}y', { a: '1' })).toThrow(/unbalanced/);
  });

  it('lists the fields a template uses, including section alternatives', () => {
    expect(templateFields('{{a}} {{#b|c}}{{d}}{{/b|c}}').sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});
