"""Seed 004 (会议大厦会务工作管理要求) as data: the service checklist of a meeting by size class.

Each line: (text, minutes before the start it is due; negative = after the start / after the end marker).
`END` items are due at the end of the meeting."""

from __future__ import annotations

END = "end"

Line = tuple[str, int | str]  # (text, minutes before the start, or END)

SMALL: list[Line] = [
    ("服务员着工作服、戴工作牌，提前30分钟到岗", 30),
    ("检查灯光、空调、影视音响设备，异常及时报告", 25),
    ("清洁会议室桌子、凳子", 20),
    ("摆放消毒茶杯，备好茶叶、开水", 20),
    ("提前15分钟在会议室门外迎候参会人员", 15),
    ("参会人员入场后递上茶水，每隔15分钟加茶水一次", 0),
    ("会务服务中心负责人到场监督、巡视", 0),
    ("会议快结束时在门外欢送参会人员", END),
    ("会后清洁茶杯及会议室，关好灯、音响、空调、门、窗", END),
]

LARGE: list[Line] = [
    ("作出详尽的会务安排并向机关事务管理局办公室汇报", 1440),
    ("提前一天准备横幅并做好协调工作", 1440),
    ("提前一天全面检查会议室：座位数、名位牌、会标、影视音响、灯光、花卉、茶水茶杯、卫生、进出通道", 1440),
    ("检查达标后对会议室封闭管理，无关人员不得进入", 1440),
    ("服务员着工作服、戴工作牌，提前1小时到岗", 60),
    ("清洁会议室桌子、凳子", 45),
    ("摆放消毒茶杯，备好茶叶、开水", 30),
    ("提前15分钟在会议室门外迎候参会人员", 15),
    ("参会人员入场后递上茶水，每隔15分钟加茶水一次（牢记领导饮茶习惯）", 0),
    ("会务部部长到场监督、巡视", 0),
    ("安全管理部加强联系，保证走火通道畅通，用电设备正常", 0),
    ("会议快结束时在门外欢送参会人员", END),
    ("会后清洁茶杯及会议室，关好灯、音响、空调、门、窗", END),
]

BY_SIZE: dict[str, list[Line]] = {"small": SMALL, "large": LARGE, "important": LARGE}
