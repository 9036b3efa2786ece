/** How cmd.exe reads a script on a Western European PC: code page 850 until a `chcp` says otherwise. */

/** The text cmd.exe reads from a script, line by line, starting in code page 850 (a French PC's console) and switching at `chcp`. */
export function asCmdReadsIt(bytes: Buffer): string[] {
  // Code page 850's upper half, 0x80 to 0xFF.
  const upper =
    "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u00ad±‗¾¶§÷¸°¨·¹³²■\u00a0";
  const lines: string[] = [];
  let utf8 = false;
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf("\r\n", start);
    if (end === -1) end = bytes.length;
    const raw = bytes.subarray(start, end);
    const line = utf8
      ? raw.toString("utf8")
      : [...raw].map((b) => (b < 0x80 ? String.fromCharCode(b) : upper[b - 0x80])).join("");
    lines.push(line);
    if (/^chcp 65001\b/i.test(line)) utf8 = true;
    start = end + 2;
  }
  return lines;
}
