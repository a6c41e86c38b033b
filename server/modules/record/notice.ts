/**
 * The conclusion notice draft (thông báo kết luận, "TB") from the items'
 * conclusions and the tasks they give to units with deadlines.
 */
import type { DocumentBlock, OfficialDocument } from '../../contract/official-documents.ts';
import { clock, dayText, type RecordFacts } from './facts.ts';

const dueText = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

export function buildNotice(facts: RecordFacts): OfficialDocument {
  const m = facts.meeting;
  const concluded = facts.items.filter((item) => item.conclusion.trim() !== '' || item.tasks.length > 0);
  const blocks: DocumentBlock[] = [
    {
      kind: 'paragraph',
      source: 'meeting',
      text: `Vào lúc ${clock(m.startsAt)}, ${dayText(m.startsAt)}, tại ${m.location ?? '…'}, ${facts.chair === null ? 'đồng chí chủ trì' : `đồng chí ${facts.chair.name}`} chủ trì cuộc họp "${m.title}". Sau khi nghe báo cáo và ý kiến thảo luận, chủ trì cuộc họp kết luận như sau:`,
    },
  ];
  concluded.forEach((item, index) => {
    blocks.push({ kind: 'heading', source: `item:${item.itemId}`, text: `${index + 1}. ${item.title}` });
    if (item.conclusion.trim() !== '') blocks.push({ kind: 'paragraph', source: `conclusion:${item.itemId}`, text: item.conclusion.trim() });
    if (item.tasks.length > 0) blocks.push({ kind: 'list', source: `tasks:${item.itemId}`, items: item.tasks.map((t) => `${t.unit}: ${t.description} (hạn ${dueText(t.dueDate)})`) });
  });
  blocks.push({ kind: 'paragraph', text: 'Văn phòng thông báo để các cơ quan, đơn vị liên quan biết, thực hiện.' });
  return {
    issuerKind: facts.issuer.kind,
    parentIssuer: facts.issuer.parentName.toUpperCase(),
    issuer: facts.issuer.name.toUpperCase(),
    typeCode: 'TB',
    typeName: 'THÔNG BÁO',
    title: `Kết luận của ${facts.chair === null ? 'chủ trì' : `đồng chí ${facts.chair.name}`} tại cuộc họp ${m.title}`,
    place: '',
    date: facts.date,
    blocks,
    signatures: [{ capacity: 'TL.', onBehalfOf: '', position: 'CHÁNH VĂN PHÒNG', name: '' }],
    recipients: ['Các đơn vị được giao nhiệm vụ;', 'Các thành viên dự họp;', 'Lưu: VT.'],
  };
}
