/*
 * synth.c - synthetic identities. See synth.h. Check characters follow GB 11643-1999 and
 * GB 32100-2015 (shared/domain/README.md).
 */
#include "domain/synth.h"

#include <stdio.h>
#include <string.h>

void synth_seed(synth_rng *r, uint64_t seed)
{
	r->s = seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
}

uint32_t synth_next(synth_rng *r)
{
	/* xorshift64* */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return (uint32_t)((r->s * 0x2545F4914F6CDD1Dull) >> 32);
}

uint32_t synth_below(synth_rng *r, uint32_t n)
{
	return n ? (uint32_t)(((uint64_t)synth_next(r) * n) >> 32) : 0;
}

static const char *const surnames[] = { "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐",
	                                "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋",
	                                "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁",
	                                "邓", "许", "傅", "包", "乌", "额", "敖", "白", "云", "那", "宝" };
static const char *const given[] = { "伟", "芳", "娜",   "敏",     "静",   "丽",   "强",   "磊",   "军",     "洋",
	                             "勇", "艳", "杰",   "娟",     "涛",   "明",   "超",   "秀",   "霞",     "平",
	                             "刚", "桂", "英",   "华",     "斌",   "宇",   "鑫",   "波",   "辉",     "玲",
	                             "峰", "红", "巴特", "其其格", "乌兰", "苏和", "朝鲁", "那仁", "格日勒", "满都拉" };
static const char *const firm_words[] = { "草原", "北疆", "金桥", "蒙源", "塞北", "兴安", "锡林", "青城",
	                                  "鸿达", "恒信", "瑞丰", "天骄", "丰泰", "广利", "宏远", "昌盛" };
static const char *const firm_kinds[] = { "牧业", "乳业", "建材", "物流", "能源", "商贸",
	                                  "农牧", "矿业", "建筑", "科技", "羊绒", "餐饮" };

#define N(a) (sizeof(a) / sizeof((a)[0]))

void synth_person_name(synth_rng *r, char *out, size_t cap)
{
	const char *s = surnames[synth_below(r, N(surnames))];
	const char *g = given[synth_below(r, N(given))];
	if (synth_below(r, 4) == 0) {
		const char *g2 = given[synth_below(r, 32)];
		snprintf(out, cap, "%s%s%s", s, g, g2);
	} else {
		snprintf(out, cap, "%s%s", s, g);
	}
}

void synth_org_name(synth_rng *r, char *out, size_t cap)
{
	snprintf(out, cap, "内蒙古%s%s有限公司", firm_words[synth_below(r, N(firm_words))],
	         firm_kinds[synth_below(r, N(firm_kinds))]);
}

static int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0) ? 29 : d[m - 1];
}

void synth_resident_id(synth_rng *r, const char *area_code, int year_from, int year_to, char out[19])
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int y = year_from + (int)synth_below(r, (uint32_t)(year_to - year_from + 1));
	int m = 1 + (int)synth_below(r, 12);
	int d = 1 + (int)synth_below(r, (uint32_t)days_in_month(y, m));
	snprintf(out, 19, "%.6s%04d%02d%02d%03u", area_code, y, m, d, synth_below(r, 999) + 1);
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (out[i] - '0') * w[i];
	out[17] = "10X98765432"[sum % 11];
	out[18] = 0;
}

void synth_credit_code(synth_rng *r, const char *area_code, char out[19])
{
	static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	static const int w[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };
	out[0] = '9';
	out[1] = '1';
	memcpy(out + 2, area_code, 6);
	for (int i = 8; i < 17; i++)
		out[i] = alphabet[synth_below(r, 31)];
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (int)(strchr(alphabet, out[i]) - alphabet) * w[i];
	int c = 31 - sum % 31;
	out[17] = alphabet[c == 31 ? 0 : c];
	out[18] = 0;
}
